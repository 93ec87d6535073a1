/**
 * Worker thread body for ImageHashPool: hashes the files it is sent, one at a time, and
 * answers with the signals or the coded error. Each worker has its own PDQ buffers and its
 * own sharp instance.
 */
import { parentPort } from 'node:worker_threads';
import { toKhienError } from '../errors/index.js';
import { hashImage, type HashImageOptions, type ImageSignals } from './image-hasher.js';

/** A request: hash the file at `path`. */
export interface ImageJob {
  id: number;
  path: string;
  options: HashImageOptions;
}

/** The answer to an ImageJob. */
export type ImageAnswer =
  { id: number; signals: ImageSignals } | { id: number; error: { code: string; message: string } };

const port = parentPort;
if (port !== null) {
  port.on('message', (job: ImageJob) => {
    hashImage(job.path, job.options).then(
      (signals) => port.postMessage({ id: job.id, signals } satisfies ImageAnswer),
      (err: unknown) => {
        const { code, message } = toKhienError(err);
        port.postMessage({ id: job.id, error: { code, message } } satisfies ImageAnswer);
      },
    );
  });
}
