/**
 * `khien hash [options] PATH…`: fingerprints of image files and folders (recursively), hashed
 * in parallel on worker threads and printed in input order (hash-lines.ts says the line
 * shapes). Failures go to stderr with their error code and the run goes on; the exit status is
 * 1 if any file failed. A progress bar is drawn on stderr when it is a terminal.
 */
import { SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import type { Config, SettingName } from '../../config/index.js';
import { toKhienError } from '../../errors/index.js';
import { ImageHashPool } from '../../media/image-hash-pool.js';
import {
  hashImage,
  PDQ_MODES,
  type HashImageOptions,
  type PdqMode,
} from '../../media/image-hasher.js';
import { expandMediaPaths, type MediaPath } from '../../media/media-paths.js';
import {
  addVideoHashOptions,
  createVideoFileHasher,
  formatVideoSignals,
  isVideoFile,
  VIDEO_HASH_SETTINGS,
  videoRunOptions,
  type VideoFileHasher,
  type VideoRunOptions,
  type VideoSignals,
} from '../../media/video-hash-command.js';
import { configFromOptions, withSettings } from '../config-options.js';
import { quietOnClose } from '../reader-closes.js';
import {
  formatFailureJson,
  formatSignals,
  type FileOutcome,
  type HashFormat,
} from './hash-lines.js';
import type { RegisterCommand } from './index.js';

const HASH_SETTINGS: readonly SettingName[] = [
  'maxImageBytes',
  'maxImagePixels',
  'hashConcurrency',
  ...VIDEO_HASH_SETTINGS,
];

/** Parsed `khien hash` options. */
export interface HashRunOptions {
  format: HashFormat;
  mode: PdqMode;
  dihedral: boolean;
  progress: boolean;
  /** Video sampling (video-hash-command.ts); default one hash a second at the stored size. */
  video?: VideoRunOptions;
}

/** A file's outcome here: an image's (hash-lines.ts) or a video's signals. */
type RunOutcome = FileOutcome | { path: string; video: VideoSignals };

/** Where a run writes; tests pass their own. */
export interface HashRunIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Draw a progress bar (stderr is a terminal and not --no-progress). */
  progress: boolean;
  /** True once nobody reads the output any more (`| head -1`): the run stops there. */
  stopped?: () => boolean;
}

export const registerHash: RegisterCommand = (program: Command, setStatus) => {
  const cmd = program
    .command('hash')
    .description('Hash images (PDQ + quality), videos (vPDQ) and folders; MD5, SHA-1, SHA-256')
    .argument('<paths...>', 'files and folders (folders are walked recursively)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'),
    )
    .addOption(
      new Option('--mode <mode>', 'PDQ front end: full resolution, or the reference CLI 512 squash')
        .choices([...PDQ_MODES])
        .default('full'),
    )
    .option('--dihedral', 'also compute the 8 rotation/flip hashes', false)
    .option('--no-progress', 'never draw a progress bar');
  addVideoHashOptions(cmd);

  withSettings(cmd, HASH_SETTINGS).action(
    async (paths: string[], opts: Record<string, unknown>) => {
      const config = configFromOptions(opts);
      const run: HashRunOptions = {
        format: opts.format as HashFormat,
        mode: opts.mode as PdqMode,
        dihedral: opts.dihedral === true,
        progress: opts.progress !== false,
        video: videoRunOptions(opts),
      };
      const stdout = quietOnClose(process.stdout);
      quietOnClose(process.stderr);
      const io: HashRunIo = {
        out: (line) => {
          if (!stdout.closed) process.stdout.write(line + '\n');
        },
        err: (line) => process.stderr.write(line + '\n'),
        progress: run.progress && process.stderr.isTTY === true,
        stopped: () => stdout.closed,
      };
      const failed = await runHash(paths, run, config, io);
      if (failed > 0) setStatus(1);
    },
  );
};

/** Hashes every file under `paths`, printing as it goes; returns the number of failures. */
export async function runHash(
  paths: readonly string[],
  run: HashRunOptions,
  config: Config,
  io: HashRunIo,
): Promise<number> {
  const files = await expandMediaPaths(paths, (dir) =>
    io.err(`khien hash: warning: ${dir}: no image or video file in this folder`),
  );
  const options: HashImageOptions = {
    mode: run.mode,
    dihedral: run.dihedral,
    limits: { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels },
  };
  const videos = createVideoFileHasher(
    run.video ?? { secondsPerHash: 1, downsample: null },
    config,
  );
  const hasher = createFileHasher(options, config.hashConcurrency, files.length, videos);
  const bar = io.progress ? startBar(files.length) : undefined;

  let failed = 0;
  try {
    for await (const outcome of inOrder(files, hashItem(hasher), hasher.window)) {
      if (io.stopped?.() === true) break;
      if ('error' in outcome) failed++;
      if ('video' in outcome) {
        const text = formatVideoSignals(outcome.path, outcome.video, run.format, files.length > 1);
        if (text !== '') io.out(text); // a video with no frame prints no line
      } else report(outcome, run.format, io, bar);
      bar?.increment();
    }
  } finally {
    bar?.stop();
    await hasher.close();
  }
  return failed;
}

/** Prints one outcome: the line on stdout, or the error on stderr (and in json on stdout). */
function report(outcome: FileOutcome, format: HashFormat, io: HashRunIo, bar?: SingleBar): void {
  if ('signals' in outcome) {
    io.out(formatSignals(outcome.path, outcome.signals, format));
    return;
  }

  const { code, message } = outcome.error;
  const clear = bar === undefined ? '' : '\r\x1b[K';
  io.err(`${clear}khien hash: ${code}: ${outcome.path}: ${message}`);
  if (format === 'json') io.out(formatFailureJson(outcome.path, outcome.error));
}

interface FileHasher {
  hash: (path: string) => Promise<RunOutcome>;
  /** How many files to keep in flight. */
  window: number;
  close: () => Promise<void>;
}

/**
 * The image-vs-video seam: a video (by extension or content, video-hash-command.ts) goes to
 * the video hasher, anything else to the image hasher.
 * One thread (or one file) hashes in this thread, two files in flight so that libvips decodes
 * one while the PDQ core runs on the other; otherwise a worker pool does the images. On the
 * shared 2-core machine under heavy load the two measured the same (189 images: 30.5 s vs
 * 28.8 s, 38.1 s vs 38.0 s); the pool is the default because it scales with more cores.
 */
function createFileHasher(
  options: HashImageOptions,
  threads: number,
  files: number,
  videos: VideoFileHasher,
): FileHasher {
  const pool = threads === 1 || files <= 1 ? undefined : new ImageHashPool(options, threads);
  const hashOneImage = (path: string) => pool?.hash(path) ?? hashImage(path, options);

  const hash = async (path: string): Promise<RunOutcome> => {
    try {
      if (await isVideoFile(path)) return { path, video: await videos.hash(path) };
      return { path, signals: await hashOneImage(path) };
    } catch (err) {
      const { code, message } = toKhienError(err);
      return { path, error: { code, message } };
    }
  };
  const window = pool === undefined ? 2 : pool.threads * 2;
  const close = async () => {
    await pool?.close();
    await videos.close();
  };
  return { hash, window, close };
}

/** Hashes a file; a folder that could not be listed is reported as its failure. */
function hashItem(hasher: FileHasher): (item: MediaPath) => Promise<RunOutcome> {
  return async (item) => {
    if (typeof item === 'string') return hasher.hash(item);
    const { code, message } = item.error;
    return { path: item.path, error: { code, message } };
  };
}

/** Runs `fn` over `items` with up to `window` in flight, yielding results in input order. */
async function* inOrder<T, R>(
  items: readonly T[],
  fn: (item: T) => Promise<R>,
  window: number,
): AsyncGenerator<R> {
  const inFlight: Promise<R>[] = [];
  let next = 0;
  while (next < items.length || inFlight.length > 0) {
    while (next < items.length && inFlight.length < window) inFlight.push(fn(items[next++]));
    yield await inFlight.shift()!;
  }
}

function startBar(total: number): SingleBar {
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'hashing [{bar}] {value}/{total} files, {eta}s left',
    hideCursor: true,
  });
  bar.start(total, 0);
  return bar;
}
