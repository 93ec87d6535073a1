/**
 * Streams the frames vPDQ hashes out of ffmpeg as raw RGB24, one frame at a time: nothing is
 * written to disk and at most one frame (plus the pipe's buffer) is held, because the pipe's
 * backpressure stops ffmpeg while a frame is being hashed.
 *
 * The command line reproduces the reference's libav pipeline (notes B.2, verified bit-exact with
 * the same libav build): no autorotation (the reference ignores the display matrix), the first
 * video stream, no frame duplication or dropping, every k-th decoded frame picked by the select
 * filter before the scaler (so only picked frames are converted), then one area-filtered swscale
 * to RGB24 at the stored size (or N×N) with BT.601 coefficients whatever the stream's tag says.
 * The input is named as a `file:` URL and only the file protocol is allowed, so ffmpeg reads
 * nothing but the file it was given.
 */
import { KhienError } from '../errors/index.js';
import { VideoChild, spawned } from './video-child.js';
import { fileUrl } from './video-probe.js';
import type { VideoTools } from './video-tools.js';

/** One decoded, converted frame. */
export interface RawFrame {
  /** 0-based index among all decoded frames. */
  readonly frameNumber: number;
  /** width × height × 3 bytes, rows packed. */
  readonly pixels: Uint8Array;
}

/** What to decode. */
export interface FrameRequest {
  readonly path: string;
  /** Output size: the stored size, or N×N when downsampling. */
  readonly width: number;
  readonly height: number;
  /** Keep decoded frames whose index is a multiple of this (1 = every frame). */
  readonly step: number;
  /** Kills ffmpeg when aborted. */
  readonly signal?: AbortSignal;
  /** Called with ffmpeg's process id once it runs (tests use it to check reaping). */
  readonly onSpawn?: (pid: number) => void;
}

/** ffmpeg's arguments for a request (exported for the docs and the tests). */
export function ffmpegFrameArgs(tools: VideoTools, request: FrameRequest): string[] {
  const filters = [];
  if (request.step > 1) filters.push(`select='not(mod(n\\,${request.step}))'`);
  filters.push(`scale=${request.width}:${request.height}:in_color_matrix=bt601:flags=area`);
  return [
    ...['-nostdin', '-hide_banner', '-v', 'error', '-protocol_whitelist', 'file'],
    ...['-noautorotate', '-i', fileUrl(request.path), '-map', '0:v:0'],
    ...[tools.passthroughFlag, 'passthrough', '-sws_flags', 'area'],
    ...['-vf', filters.join(','), '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'],
  ];
}

/**
 * Yields the picked frames in decoding order. ffmpeg is killed and reaped when the loop ends
 * early, throws or is aborted. A non-zero exit, an error printed by ffmpeg or a partial last
 * frame is KHIEN_ERR_VIDEO_CORRUPT: a truncated video never yields a silently short list.
 */
export async function* streamFrames(
  tools: VideoTools,
  request: FrameRequest,
): AsyncGenerator<RawFrame> {
  const frameBytes = request.width * request.height * 3;
  const child = new VideoChild(tools.ffmpeg, ffmpegFrameArgs(tools, request), request.signal);
  try {
    await spawned(child, tools.ffmpeg);
    if (child.pid !== undefined) request.onSpawn?.(child.pid);

    let frame = new Uint8Array(frameBytes);
    let filled = 0;
    let index = 0;
    for await (const chunk of child.process.stdout as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - at);
        frame.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled < frameBytes) break;

        yield { frameNumber: index * request.step, pixels: frame };
        index++;
        frame = new Uint8Array(frameBytes);
        filled = 0;
      }
    }

    const exit = await child.exited;
    request.signal?.throwIfAborted();
    checkEnd(exit.code, child.stderr, filled, frameBytes);
  } finally {
    await child.stop();
  }
}

function checkEnd(code: number | null, stderr: string, filled: number, frameBytes: number) {
  if (code === 0 && stderr === '' && filled === 0) return;
  const what =
    code !== 0
      ? `ffmpeg exited with status ${code}`
      : filled !== 0
        ? `a partial frame (${filled} of ${frameBytes} bytes)`
        : 'decoding errors';
  const firstLine = stderr.split('\n')[0] ?? '';
  throw new KhienError(
    'KHIEN_ERR_VIDEO_CORRUPT',
    `expected a video that decodes to the end, got ${what}${firstLine ? `: ${firstLine}` : ''}`,
    { exitCode: code, ffmpeg: stderr.slice(0, 2000) },
  );
}
