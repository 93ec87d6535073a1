/**
 * What `khien hash` prints for a video. The csv form is the reference's own file format,
 * `frameNumber,quality,pdqhex,timestamp` a line (vpdq-hash-video), so the output can be fed to
 * the reference tools; when several files are hashed in one run each line also carries the
 * file's path as a fifth field, which the reference reader ignores. The json form is one object
 * per video with its file digests and the same frames.
 */
import { toPdqHex } from '../core/pdq/pdq-hash.js';
import { formatVpdqLine } from '../core/vpdq/vpdq-feature.js';
import { formatTimestamp } from '../core/vpdq/vpdq-timestamp.js';
import type { VideoHashResult } from './video-hasher.js';

/** A hashed video with the sampling it was hashed with. */
export interface VideoSignals extends VideoHashResult {
  readonly secondsPerHash: number;
  readonly downsample: number | null;
}

/** The stdout text for a video (lines joined by "\n", no final newline). */
export function formatVideoSignals(
  path: string,
  v: VideoSignals,
  format: 'csv' | 'json',
  withPath: boolean,
): string {
  if (format === 'csv') {
    const suffix = withPath ? `,${path}` : '';
    return v.features.map((f) => formatVpdqLine(f) + suffix).join('\n');
  }

  return JSON.stringify({
    path,
    kind: 'video',
    md5: v.md5,
    sha1: v.sha1,
    sha256: v.sha256,
    bytes: v.bytes,
    width: v.info.width,
    height: v.info.height,
    codec: v.info.codec,
    frameRate: v.info.frameRate,
    secondsPerHash: v.secondsPerHash,
    downsample: v.downsample,
    frameStep: v.step,
    vpdq: v.features.map((f) => ({
      frameNumber: f.frameNumber,
      quality: f.quality,
      pdq: toPdqHex(f.hash),
      timestamp: Number(formatTimestamp(f.timestamp)),
    })),
  });
}
