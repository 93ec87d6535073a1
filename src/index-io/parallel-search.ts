/**
 * ParallelPdqSearch: batch search of a MihPdqIndex on worker threads, for large batches (an
 * offline list, a bulk import check) that would otherwise run on one core. The index's base
 * lives on SharedArrayBuffers, so workers search the very same memory; only the small pending
 * delta is copied per batch. A batch sees the index as it was when the batch started, except
 * removals, which workers see as they happen (the tombstone bitmap is shared). Results come
 * back in query order, each query's matches in ascending id order, as the index gives them.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { KhienError } from '../errors/index.js';
import { checkMaxDistance, checkVariants } from '../core/index/index-arguments.js';
import type { MihPdqIndex } from '../core/index/mih-pdq-index.js';
import { PACKED_WORDS, packPdqInto } from '../core/index/packed-hash.js';
import type { PdqHash } from '../core/pdq/pdq-hash.js';
import type { DihedralMatch } from '../core/index/signal-index.js';
import { startModuleWorker } from '../media/module-worker.js';
import type { SearchAnswer, SearchJob } from './parallel-search-worker.js';

interface Pending {
  resolve(matches: Uint32Array): void;
  reject(err: Error): void;
}

export class ParallelPdqSearch {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextJob = 0;

  /** Starts `threads` workers (0: one per CPU core). close() when done. */
  constructor(threads = 0) {
    this.threads = threads > 0 ? threads : availableParallelism();
    for (let i = 0; i < this.threads; i++) this.workers.push(this.start());
  }

  /**
   * Searches each query (an array of its 1..8 dihedral variants, or a single hash) within
   * `maxDistance`; answers[i] are query i's matches (variant 0 for single hashes).
   */
  async searchBatch(
    index: MihPdqIndex,
    queries: ReadonlyArray<PdqHash | readonly PdqHash[]>,
    maxDistance: number,
  ): Promise<DihedralMatch[][]> {
    checkMaxDistance(maxDistance);
    const lists = queries.map((q) => (Array.isArray(q) ? q : [q]) as readonly PdqHash[]);
    lists.forEach(checkVariants);
    const answers: DihedralMatch[][] = lists.map(() => []);
    for (const group of groupByVariantCount(lists)) {
      await this.searchGroup(index, group, lists, maxDistance, answers);
    }
    return answers;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const p of this.pending.values()) p.reject(new Error('parallel search closed'));
    this.pending.clear();
  }

  private async searchGroup(
    index: MihPdqIndex,
    group: number[],
    lists: ReadonlyArray<readonly PdqHash[]>,
    maxDistance: number,
    answers: DihedralMatch[][],
  ): Promise<void> {
    const variants = lists[group[0]].length;
    const packed = new Uint32Array(group.length * variants * PACKED_WORDS);
    group.forEach((q, k) =>
      lists[q].forEach((h, v) => packPdqInto(h, packed, (k * variants + v) * PACKED_WORDS)),
    );
    const base = index.currentBase();
    const pending = index.pendingEntries();
    const plan = index.planFor(maxDistance);
    const per = Math.ceil(group.length / this.threads);
    const jobs = this.workers.map((worker, w) => {
      const first = w * per;
      const queries = packed.subarray(
        first * variants * PACKED_WORDS,
        (first + per) * variants * PACKED_WORDS,
      );
      const job: Omit<SearchJob, 'job'> = {
        base,
        pendingIds: pending.ids,
        pendingHashes: pending.hashes,
        queries,
        variants,
        first,
        maxDistance,
        plan,
      };
      return this.post(worker, job);
    });
    for (const matches of await Promise.all(jobs)) {
      for (let k = 0; k < matches.length; k += 4) {
        const [id, distance, variant] = [matches[k + 1], matches[k + 2], matches[k + 3]];
        answers[group[matches[k]]].push({ id, distance, variant });
      }
    }
    for (const q of group) answers[q].sort((a, b) => a.id - b.id);
  }

  private post(worker: Worker, job: Omit<SearchJob, 'job'>): Promise<Uint32Array> {
    const id = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...job, job: id });
    });
  }

  private start(): Worker {
    const worker = startModuleWorker(import.meta.url, 'parallel-search-worker');
    worker.on('message', (answer: SearchAnswer) => {
      const p = this.pending.get(answer.job);
      if (p === undefined) return;
      this.pending.delete(answer.job);
      if (answer.matches !== undefined) p.resolve(answer.matches);
      else p.reject(new KhienError('KHIEN_ERR_INTERNAL', `search worker: ${answer.error}`));
    });
    worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
    return worker;
  }
}

/** Query positions grouped by how many variants they carry (a batch packs one count). */
function groupByVariantCount(lists: ReadonlyArray<readonly PdqHash[]>): number[][] {
  const groups = new Map<number, number[]>();
  lists.forEach((l, q) => {
    const group = groups.get(l.length) ?? [];
    group.push(q);
    groups.set(l.length, group);
  });
  return [...groups.values()];
}
