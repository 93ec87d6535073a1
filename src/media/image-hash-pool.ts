/**
 * Hashes many image files on worker threads, one file per worker at a time, so decoding and
 * PDQ run on every core. Results are promises; callers await them in input order, which keeps
 * output deterministic however the workers finish.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { KhienError, type ErrorCode } from '../errors/index.js';
import type { ImageAnswer, ImageJob } from './image-hash-worker.js';
import type { HashImageOptions, ImageSignals } from './image-hasher.js';
import { startModuleWorker } from './module-worker.js';

interface Pending {
  resolve(signals: ImageSignals): void;
  reject(err: Error): void;
}

interface PoolWorker {
  readonly worker: Worker;
  busy: number;
}

/** A pool of image-hashing worker threads; close() when done. */
export class ImageHashPool {
  readonly threads: number;
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: KhienError | null = null;

  /** Starts `threads` workers (0: one per CPU core). */
  constructor(
    private readonly options: HashImageOptions,
    threads = 0,
  ) {
    this.threads = threads > 0 ? threads : availableParallelism();
    for (let i = 0; i < this.threads; i++) this.workers.push(this.start());
  }

  /** Hashes one file on the least busy worker. Rejects with a KhienError. */
  hash(path: string): Promise<ImageSignals> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const target = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    target.busy++;
    return new Promise<ImageSignals>((resolve, reject) => {
      const done = () => target.busy--;
      this.pending.set(id, {
        resolve: (s) => (done(), resolve(s)),
        reject: (e) => (done(), reject(e)),
      });
      target.worker.postMessage({ id, path, options: this.options } satisfies ImageJob);
    });
  }

  /** Stops the workers; anything still in flight is rejected. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.failAll(new KhienError('KHIEN_ERR_INTERNAL', 'the image hash pool was closed'));
  }

  private start(): PoolWorker {
    const worker = startModuleWorker(import.meta.url, 'image-hash-worker');
    worker.on('message', (answer: ImageAnswer) => this.settle(answer));
    // A worker only dies on a bug (hashImage turns bad input into answers); then stop the run.
    worker.on('error', (err) => this.failAll(err));
    return { worker, busy: 0 };
  }

  private settle(answer: ImageAnswer): void {
    const pending = this.pending.get(answer.id);
    if (pending === undefined) return;
    this.pending.delete(answer.id);
    if ('signals' in answer) pending.resolve(answer.signals);
    else pending.reject(new KhienError(answer.error.code as ErrorCode, answer.error.message));
  }

  private failAll(err: Error): void {
    const coded =
      err instanceof KhienError ? err : new KhienError('KHIEN_ERR_INTERNAL', err.message);
    this.failure ??= coded;
    for (const pending of this.pending.values()) pending.reject(coded);
    this.pending.clear();
  }
}
