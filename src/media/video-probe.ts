/**
 * What ffprobe says about a video, reduced to what vPDQ needs and checked against the limits.
 * The reference (vpdq/cpp/vpdq/cpp/hashing/ffmpegwrapper.cpp) takes the first video stream,
 * its stored (coded) width and height from codecpar, and avg_frame_rate else r_frame_rate;
 * rotation and aspect-ratio metadata are ignored.
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KhienError } from '../errors/index.js';
import { chooseFrameRate, parseRational } from '../core/vpdq/frame-selection.js';
import { VideoChild, spawned } from './video-child.js';

/** The first video stream of a file. */
export interface VideoInfo {
  readonly formatName: string;
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  /** Frames per second as the reference computes it (a double). */
  readonly fps: number;
  /** The rational the rate came from, e.g. "30000/1001". */
  readonly frameRate: string;
  /** Stated duration in seconds, when the container states one. */
  readonly durationSeconds: number | null;
  /** Stated frame count, when the container states one. */
  readonly frameCount: number | null;
}

/** The limits a video is checked against (from the settings of the same names). */
export interface VideoLimits {
  readonly maxVideoSeconds: number;
  readonly maxVideoPixels: number;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string };
}

/** Still-image demuxers: such files are images for PDQ, not videos. */
const IMAGE_FORMATS = /^(image2|.*_pipe)$/;

/**
 * Demuxers that open other files or URLs named inside the input (playlists, concat lists):
 * a file posing as a video could make ffmpeg read elsewhere, so they are refused.
 */
const REFERRING_FORMATS = /(^|,)(hls|applehttp|concat|dash|ffmetadata|tee|image2)(,|$)/;

/** Runs ffprobe on `path`; coded errors for anything that is not a hashable video. */
export async function probeVideo(
  ffprobe: string,
  path: string,
  limits: VideoLimits,
  signal?: AbortSignal,
): Promise<VideoInfo> {
  const output = await runProbe(ffprobe, path, signal);

  const formatName = output.format?.format_name ?? '';
  if (IMAGE_FORMATS.test(formatName)) {
    throw new KhienError(
      'KHIEN_ERR_VIDEO_UNSUPPORTED',
      `expected a video, got a still image (${formatName}); hash it as an image`,
      { formatName },
    );
  }

  if (REFERRING_FORMATS.test(formatName)) {
    throw new KhienError(
      'KHIEN_ERR_VIDEO_UNSUPPORTED',
      `expected a video file, got a ${formatName} list that refers to other files`,
      { formatName },
    );
  }

  const stream = output.streams?.find((s) => s.codec_type === 'video');
  if (stream === undefined) {
    const kinds = (output.streams ?? []).map((s) => s.codec_type ?? 'unknown');
    throw new KhienError(
      'KHIEN_ERR_VIDEO_NO_VIDEO_STREAM',
      `expected a video stream, got ${kinds.length === 0 ? 'no streams' : kinds.join(', ')}`,
      { streams: kinds },
    );
  }

  const info = describe(stream, output, formatName);
  checkLimits(info, limits);
  return info;
}

function describe(stream: ProbeStream, output: ProbeOutput, formatName: string): VideoInfo {
  const avg = parseRational(stream.avg_frame_rate);
  const r = parseRational(stream.r_frame_rate);
  const fps = chooseFrameRate(avg, r);
  const usesAvg = avg !== null && avg.num !== 0 && avg.den !== 0;
  const duration = positive(stream.duration) ?? positive(output.format?.duration);
  const frames = positive(stream.nb_frames);
  return {
    formatName,
    codec: stream.codec_name ?? 'unknown',
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    fps,
    frameRate: (usesAvg ? stream.avg_frame_rate : stream.r_frame_rate) ?? '',
    durationSeconds: duration,
    frameCount: frames === null ? null : Math.trunc(frames),
  };
}

function checkLimits(info: VideoInfo, limits: VideoLimits): void {
  const pixels = info.width * info.height;
  if (pixels > limits.maxVideoPixels) {
    throw new KhienError(
      'KHIEN_ERR_VIDEO_TOO_LARGE',
      `frames may have at most ${limits.maxVideoPixels} pixels (maxVideoPixels), got ` +
        `${info.width}×${info.height} = ${pixels}`,
      { width: info.width, height: info.height, maxVideoPixels: limits.maxVideoPixels },
    );
  }
  if (info.durationSeconds !== null && info.durationSeconds > limits.maxVideoSeconds) {
    throw tooLong(info.durationSeconds, limits.maxVideoSeconds);
  }
}

/** KHIEN_ERR_VIDEO_TOO_LARGE for a video longer than maxVideoSeconds. */
export function tooLong(seconds: number, maxVideoSeconds: number): KhienError {
  return new KhienError(
    'KHIEN_ERR_VIDEO_TOO_LARGE',
    `videos may last at most ${maxVideoSeconds} s (maxVideoSeconds), got ${seconds.toFixed(3)} s`,
    { seconds, maxVideoSeconds },
  );
}

async function runProbe(ffprobe: string, path: string, signal?: AbortSignal) {
  const args = [
    ...['-v', 'error', '-protocol_whitelist', 'file', '-show_entries', ENTRIES],
    ...['-of', 'json', '-i', fileUrl(path)],
  ];
  const child = new VideoChild(ffprobe, args, signal);
  try {
    await spawned(child, ffprobe);
    let text = '';
    child.process.stdout.setEncoding('utf8');
    for await (const chunk of child.process.stdout) text += chunk as string;
    const exit = await child.exited;
    signal?.throwIfAborted();
    if (exit.code !== 0) throw probeFailure(child.stderr, path, await startsLikeMp4(path));
    return JSON.parse(text) as ProbeOutput;
  } finally {
    await child.stop();
  }
}

const ENTRIES =
  'stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,duration,nb_frames' +
  ':format=format_name,duration';

/**
 * ffprobe's failure text: a real MP4 (it opens with an `ftyp` box) whose index ("moov atom") is
 * missing was cut short; other unreadable input, including text named .mp4, is not a video.
 */
function probeFailure(stderr: string, path: string, mp4: boolean): KhienError {
  // ffprobe names the input by the URL it was given (fileUrl): say "input" instead, whatever
  // path the caller used (it was replacing the relative path inside the absolute URL).
  const message = stderr.split('\n').pop()?.replaceAll(fileUrl(path), 'input') ?? '';
  if ((mp4 && /moov atom not found/i.test(stderr)) || /partial file|end of file/i.test(stderr)) {
    return new KhienError(
      'KHIEN_ERR_VIDEO_CORRUPT',
      `expected a complete video, got a truncated or damaged file (${message})`,
      { ffprobe: stderr.slice(0, 1000) },
    );
  }
  return new KhienError(
    'KHIEN_ERR_VIDEO_UNSUPPORTED',
    `expected a video ffmpeg can read, got a file it cannot (${message})`,
    { ffprobe: stderr.slice(0, 1000) },
  );
}

/** True when the file opens with an ISO media `ftyp` box (MP4, MOV, 3GP…). */
async function startsLikeMp4(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(8);
    await handle.read(header, 0, 8, 0);
    return header.toString('latin1', 4, 8) === 'ftyp';
  } finally {
    await handle.close();
  }
}

/**
 * The path as a `file:` URL for ffmpeg's command line, so that a name beginning with "-" or
 * looking like another protocol ("http:…", "concat:…") is read as the local file it is.
 */
export function fileUrl(path: string): string {
  return `file:${resolve(path)}`;
}

function positive(text: string | undefined): number | null {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}
