/**
 * Worker thread of the frame hash pool: hashes RGB24 frames with the PDQ core at full
 * resolution and posts back the hash and quality. It holds no state between frames.
 */
import { parentPort } from 'node:worker_threads';
import { pdqFromPixels } from '../core/pdq/pdq-hasher.js';

/** A frame to hash (the pixel buffer is transferred, not copied). */
export interface FrameJob {
  readonly id: number;
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** The answer for one job. */
export type FrameAnswer =
  | { readonly id: number; readonly hash: Uint16Array; readonly quality: number }
  | { readonly id: number; readonly error: string };

parentPort?.on('message', (job: FrameJob) => {
  try {
    const { hash, quality } = pdqFromPixels(job.pixels, job.width, job.height, 3);
    parentPort?.postMessage({ id: job.id, hash, quality } satisfies FrameAnswer, [
      hash.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: (err as Error).message } satisfies FrameAnswer);
  }
});
