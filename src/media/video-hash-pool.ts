/**
 * A pool of worker threads hashing video frames, so PDQ runs on every core while ffmpeg decodes
 * in its own process (the reference hashes on a thread pool too, hasher.h). Jobs go to the least
 * busy worker; answers come back as promises, which hashVideo awaits in frame order.
 */
import { availableParallelism } from 'node:os';
import { KhienError } from '../errors/index.js';
import type { PdqHash } from '../core/pdq/pdq-hash.js';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from './module-worker.js';
import type { FrameAnswer } from './video-hash-worker.js';

interface Pending {
  resolve(result: { hash: PdqHash; quality: number }): void;
  reject(err: Error): void;
}

interface PoolWorker {
  readonly worker: Worker;
  busy: number;
}

/** Worker threads that hash RGB24 frames; close() when done. */
export class FrameHashPool {
  readonly threads: number;
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;

  /** Starts `threads` workers (0: one per CPU core). */
  constructor(threads = 0) {
    this.threads = threads > 0 ? threads : availableParallelism();
    for (let i = 0; i < this.threads; i++) this.workers.push(this.start());
  }

  /** Hashes one frame; the pixel buffer is transferred to a worker and unusable afterwards. */
  hash = (pixels: Uint8Array, width: number, height: number) => {
    if (this.failure !== null) return Promise.reject(this.failure);
    const target = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    target.busy++;
    return new Promise<{ hash: PdqHash; quality: number }>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => (target.busy--, resolve(r)),
        reject: (e) => (target.busy--, reject(e)),
      });
      target.worker.postMessage({ id, pixels, width, height }, [pixels.buffer as ArrayBuffer]);
    });
  };

  /** Stops the workers; frames still in flight are rejected. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.failAll(new KhienError('KHIEN_ERR_INTERNAL', 'the frame hash pool was closed'));
  }

  private start(): PoolWorker {
    const worker = startModuleWorker(import.meta.url, 'video-hash-worker');
    worker.on('message', (answer: FrameAnswer) => this.settle(answer));
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      if (code !== 0) this.failAll(new Error(`a frame hash worker exited with ${code}`));
    });
    return { worker, busy: 0 };
  }

  private settle(answer: FrameAnswer): void {
    const pending = this.pending.get(answer.id);
    if (pending === undefined) return;
    this.pending.delete(answer.id);
    if ('error' in answer) pending.reject(new KhienError('KHIEN_ERR_INTERNAL', answer.error));
    else pending.resolve({ hash: answer.hash, quality: answer.quality });
  }

  private failAll(err: Error): void {
    this.failure ??= err;
    for (const pending of this.pending.values()) pending.reject(err);
    this.pending.clear();
  }
}
