/**
 * Which decoded frames vPDQ hashes, following the reference's FFmpegHasher
 * (vpdq/cpp/vpdq/cpp/hashing/filehasher.cpp): the frame rate is the stream's avg_frame_rate, or
 * r_frame_rate when that is 0/0 (ffmpegwrapper.cpp); the step is trunc(secondsPerHash × fps),
 * at least 1; a decoded frame is hashed when its 0-based index is a multiple of the step. The
 * sampling counts decoded frames, not timestamps, exactly as the reference does.
 */
import { KhienError } from '../../errors/index.js';

/** A frame rate as the container states it: a rational `num/den`. */
export interface FrameRate {
  readonly num: number;
  readonly den: number;
}

/** Parses ffprobe's `num/den` form (e.g. "30000/1001", "0/0"); null when not of that form. */
export function parseRational(text: string | undefined): FrameRate | null {
  const match = /^(-?\d+)\/(-?\d+)$/.exec(text ?? '');
  if (match === null) return null;
  return { num: Number(match[1]), den: Number(match[2]) };
}

/**
 * The frame rate the reference uses, as a double: avg_frame_rate, else r_frame_rate when avg
 * has a zero numerator or denominator. Zero, negative or unknown rates are
 * KHIEN_ERR_VIDEO_ZERO_FRAME_RATE: the reference refuses them too.
 */
export function chooseFrameRate(avg: FrameRate | null, r: FrameRate | null): number {
  const rate = avg !== null && avg.num !== 0 && avg.den !== 0 ? avg : r;
  const fps = rate !== null && rate.den !== 0 ? rate.num / rate.den : 0;
  if (!(fps > 0) || !Number.isFinite(fps)) {
    const got = `avg_frame_rate ${fmt(avg)}, r_frame_rate ${fmt(r)}`;
    throw new KhienError(
      'KHIEN_ERR_VIDEO_ZERO_FRAME_RATE',
      `a video needs a positive frame rate, got ${got}`,
      { avgFrameRate: fmt(avg), rFrameRate: fmt(r) },
    );
  }
  return fps;
}

/**
 * The hashing step k: trunc(secondsPerHash × fps) with a minimum of 1, as the reference computes
 * it in double. secondsPerHash 0 hashes every frame.
 */
export function frameStep(secondsPerHash: number, fps: number): number {
  if (!Number.isFinite(secondsPerHash) || secondsPerHash < 0) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `seconds per hash must be a finite number >= 0, got ${secondsPerHash}`,
      { secondsPerHash },
    );
  }
  const step = Math.trunc(secondsPerHash * fps);
  return step >= 1 ? step : 1;
}

function fmt(rate: FrameRate | null): string {
  return rate === null ? 'unknown' : `${rate.num}/${rate.den}`;
}
