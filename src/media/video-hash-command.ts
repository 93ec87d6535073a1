/**
 * The video half of `khien hash`, kept apart from the image code in cli/commands/hash.ts, which
 * calls in here through three seams: the extra options and settings, the test "is this file a
 * video" (by extension, else by content), and the hasher that returns a video's signals. The
 * frame hash pool is started on the first video and shared by every video of the run.
 */
import { Option, type Command } from 'commander';
import type { Config, SettingName } from '../config/index.js';
import { KhienError } from '../errors/index.js';
import { FrameHashPool } from './video-hash-pool.js';
import { hashVideo } from './video-hasher.js';
import type { VideoSignals } from './video-hash-lines.js';
import { mediaKindOf } from './media-paths.js';
import { looksLikeVideoFile } from './video-sniff.js';

export { formatVideoSignals, type VideoSignals } from './video-hash-lines.js';

/** Settings `khien hash` needs for videos. */
export const VIDEO_HASH_SETTINGS: readonly SettingName[] = [
  'ffmpegPath',
  'ffprobePath',
  'maxVideoBytes',
  'maxVideoSeconds',
  'maxVideoPixels',
  'videoTimeoutMs',
];

/** The video sampling options, as the reference's -r and -s. */
export interface VideoRunOptions {
  readonly secondsPerHash: number;
  readonly downsample: number | null;
}

/** Adds --seconds-per-hash and --downsample to a command. */
export function addVideoHashOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--seconds-per-hash <s>',
        'videos: seconds between hashed frames, 0 = every frame',
      ).default('1'),
    )
    .option('--downsample <n>', 'videos: scale frames to N×N before hashing (reference -s)');
}

/** Reads and checks the video options from commander's parsed options. */
export function videoRunOptions(opts: Record<string, unknown>): VideoRunOptions {
  const seconds = Number(opts.secondsPerHash ?? 1);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `--seconds-per-hash must be a number >= 0, got "${String(opts.secondsPerHash)}"`,
    );
  }
  const text = opts.downsample === undefined ? null : String(opts.downsample);
  if (text !== null && !/^[1-9]\d*$/.test(text)) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `--downsample must be a positive integer, got "${text}"`,
    );
  }
  return { secondsPerHash: seconds, downsample: text === null ? null : Number(text) };
}

/** True when a file goes to the video hasher: a video extension, or a video container inside. */
export async function isVideoFile(path: string): Promise<boolean> {
  return mediaKindOf(path) === 'video' || (await looksLikeVideoFile(path));
}

/** Hashes videos one after another's frames on a shared pool; close() when the run ends. */
export interface VideoFileHasher {
  hash(path: string): Promise<VideoSignals>;
  close(): Promise<void>;
}

/** A video hasher for one run of `khien hash`. */
export function createVideoFileHasher(run: VideoRunOptions, config: Config): VideoFileHasher {
  let pool: FrameHashPool | undefined;
  return {
    async hash(path) {
      pool ??= new FrameHashPool(config.hashConcurrency);
      const result = await hashVideo(path, config, pool.hash, {
        secondsPerHash: run.secondsPerHash,
        downsample: run.downsample ?? undefined,
      });
      return { ...result, secondsPerHash: run.secondsPerHash, downsample: run.downsample };
    },
    close: async () => pool?.close(),
  };
}
