/**
 * vPDQ hashing of one video file, at the I/O edge: checks the file against the limits, asks
 * ffprobe for the stream, streams the picked frames out of ffmpeg and hashes each with the PDQ
 * core at full frame resolution (notes B.3), while MD5 and SHA-256 of the file are computed
 * alongside. The whole run is bounded by videoTimeoutMs and can be aborted; ffmpeg is reaped
 * either way.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { KhienError, isKhienError } from '../errors/index.js';
import type { PdqHash } from '../core/pdq/pdq-hash.js';
import { frameStep } from '../core/vpdq/frame-selection.js';
import type { VpdqFeature } from '../core/vpdq/vpdq-feature.js';
import { frameTimestamp } from '../core/vpdq/vpdq-timestamp.js';
import { streamFrames, type RawFrame } from './video-frames.js';
import { probeVideo, tooLong, type VideoInfo } from './video-probe.js';
import { findVideoTools } from './video-tools.js';

/**
 * Hashes one RGB24 frame with the PDQ core at full resolution: pdqFromPixels directly, or a
 * FrameHashPool's `hash` to spread frames over worker threads. It may keep the pixel buffer.
 */
export type FrameHasher = (
  pixels: Uint8Array,
  width: number,
  height: number,
) => FrameHash | Promise<FrameHash>;

interface FrameHash {
  readonly hash: PdqHash;
  readonly quality: number;
}

/** The settings hashing reads (a subset of Config). */
export interface VideoHashSettings {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly maxVideoBytes: number;
  readonly maxVideoSeconds: number;
  readonly maxVideoPixels: number;
  readonly videoTimeoutMs: number;
}

/** Per-call options. */
export interface VideoHashOptions {
  /** Seconds between hashed frames (the reference's -r); 0 hashes every frame. Default 1. */
  readonly secondsPerHash?: number;
  /** Scale every frame to N×N before hashing (the reference's -s); default: stored size. */
  readonly downsample?: number;
  readonly signal?: AbortSignal;
  /** Called with ffmpeg's process id (tests check it is reaped). */
  readonly onSpawn?: (pid: number) => void;
  /** Frames hashed concurrently at most (with an asynchronous hasher); default 8. */
  readonly inFlight?: number;
}

/** A video's signals. */
export interface VideoHashResult {
  readonly info: VideoInfo;
  /** The frame step used: every step-th decoded frame was hashed. */
  readonly step: number;
  readonly features: VpdqFeature[];
  readonly md5: string;
  readonly sha1: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Smallest frame side the PDQ core accepts (the reference throws below it). */
const MIN_SIDE = 5;

/** Computes the vPDQ signal, MD5, SHA-1 and SHA-256 of the video at `path`. */
export async function hashVideo(
  path: string,
  settings: VideoHashSettings,
  hashFrame: FrameHasher,
  options: VideoHashOptions = {},
): Promise<VideoHashResult> {
  const timeout = AbortSignal.timeout(settings.videoTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    return await hashWithin(path, settings, hashFrame, options, signal);
  } catch (err) {
    if (timeout.aborted && !options.signal?.aborted) {
      throw new KhienError(
        'KHIEN_ERR_VIDEO_TIMEOUT',
        `expected the video to hash within ${settings.videoTimeoutMs} ms (videoTimeoutMs); ` +
          'ffmpeg was stopped',
        { videoTimeoutMs: settings.videoTimeoutMs },
        { cause: err },
      );
    }
    throw err;
  }
}

async function hashWithin(
  path: string,
  settings: VideoHashSettings,
  hashFrame: FrameHasher,
  options: VideoHashOptions,
  signal: AbortSignal,
): Promise<VideoHashResult> {
  const bytes = await checkFile(path, settings.maxVideoBytes);
  const tools = findVideoTools(settings);

  // The digests read the file alongside ffmpeg; a failure stops that read too.
  const stopDigests = new AbortController();
  const digests = digestFile(path, AbortSignal.any([signal, stopDigests.signal]));
  digests.catch(() => undefined);
  try {
    const info = await probeVideo(tools.ffprobe, path, settings, signal);
    const size = outputSize(info, options.downsample);
    const step = frameStep(options.secondsPerHash ?? 1, info.fps);

    const frames = streamFrames(tools, { path, ...size, step, signal, onSpawn: options.onSpawn });
    const features = await hashFrames(frames, info, size, hashFrame, {
      maxVideoSeconds: settings.maxVideoSeconds,
      inFlight: options.inFlight ?? 8,
    });

    return { info, step, features, ...(await digests), bytes };
  } finally {
    stopDigests.abort();
  }
}

/**
 * Hashes frames as they stream, keeping at most `inFlight` unanswered: ffmpeg is paced by the
 * pipe while the hasher catches up. Results keep frame order whatever order workers answer in.
 */
async function hashFrames(
  frames: AsyncIterable<RawFrame>,
  info: VideoInfo,
  size: { width: number; height: number },
  hashFrame: FrameHasher,
  limits: { maxVideoSeconds: number; inFlight: number },
): Promise<VpdqFeature[]> {
  const pending: Promise<VpdqFeature>[] = [];
  const features: VpdqFeature[] = [];
  for await (const frame of frames) {
    const seconds = frame.frameNumber / info.fps;
    if (seconds > limits.maxVideoSeconds) throw tooLong(seconds, limits.maxVideoSeconds);

    const next = hashOne(frame, info.fps, size, hashFrame);
    next.catch(() => undefined); // awaited in turn below; a failure then ends the loop
    pending.push(next);
    if (pending.length >= limits.inFlight) features.push(await pending.shift()!);
  }

  for (const next of pending) features.push(await next);
  return features;
}

async function hashOne(
  frame: RawFrame,
  fps: number,
  size: { width: number; height: number },
  hashFrame: FrameHasher,
): Promise<VpdqFeature> {
  const timestamp = frameTimestamp(frame.frameNumber, fps);
  const { hash, quality } = await hashFrame(frame.pixels, size.width, size.height);
  return { frameNumber: frame.frameNumber, quality, hash, timestamp };
}

async function checkFile(path: string, maxVideoBytes: number): Promise<number> {
  const stats = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new KhienError('KHIEN_ERR_NOT_FOUND', `no readable file at ${path} (${err.code})`, {
      path,
    });
  });
  if (!stats.isFile()) {
    throw new KhienError('KHIEN_ERR_VIDEO_UNSUPPORTED', `expected a video file, got ${path}`, {
      path,
    });
  }
  if (stats.size > maxVideoBytes) {
    throw new KhienError(
      'KHIEN_ERR_VIDEO_TOO_LARGE',
      `videos may have at most ${maxVideoBytes} bytes (maxVideoBytes), got ${stats.size}`,
      { bytes: stats.size, maxVideoBytes },
    );
  }
  if (stats.size === 0) {
    throw new KhienError('KHIEN_ERR_VIDEO_UNSUPPORTED', 'expected a video, got an empty file', {
      path,
    });
  }
  return stats.size;
}

/** The stored size, or N×N; under 5 pixels a side is refused as the reference's core does. */
function outputSize(info: VideoInfo, downsample?: number): { width: number; height: number } {
  if (downsample !== undefined && (!Number.isInteger(downsample) || downsample < 1)) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `downsample must be a positive integer, got ${downsample}`,
      { downsample },
    );
  }
  const width = downsample ?? info.width;
  const height = downsample ?? info.height;
  if (width < MIN_SIDE || height < MIN_SIDE) {
    throw new KhienError(
      'KHIEN_ERR_VIDEO_FRAME_TOO_SMALL',
      `frames must be at least ${MIN_SIDE}×${MIN_SIDE} pixels to hash, got ${width}×${height}`,
      { width, height },
    );
  }
  return { width, height };
}

async function digestFile(path: string, signal: AbortSignal) {
  const md5 = createHash('md5');
  const sha1 = createHash('sha1');
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal }) as AsyncIterable<Buffer>) {
    md5.update(chunk);
    sha1.update(chunk);
    sha256.update(chunk);
  }
  return { md5: md5.digest('hex'), sha1: sha1.digest('hex'), sha256: sha256.digest('hex') };
}

/** True when `err` is one of the coded video failures (for callers that fall back). */
export function isVideoError(err: unknown): boolean {
  return isKhienError(err) && err.code.startsWith('KHIEN_ERR_VIDEO_');
}
