/**
 * Worker thread of ParallelPdqSearch: searches a slice of a query batch in the shared base
 * (SharedArrayBuffer views, no copy) and the copied pending entries, with the search kernels of
 * the core, and answers with the matches packed as [query, id, distance, variant] words.
 */
import { parentPort } from 'node:worker_threads';
import type { MihBase } from '../core/index/mih-base.js';
import { scanPacked, searchBase } from '../core/index/mih-search.js';
import { PACKED_WORDS } from '../core/index/packed-hash.js';
import type { SearchPlan } from '../core/index/search-plan.js';

/** One slice of a batch. */
export interface SearchJob {
  readonly job: number;
  readonly base: MihBase;
  readonly pendingIds: Uint32Array;
  readonly pendingHashes: Uint32Array;
  /** Packed queries, `variants` consecutive hashes per query. */
  readonly queries: Uint32Array;
  readonly variants: number;
  /** Index of this slice's first query in the batch. */
  readonly first: number;
  readonly maxDistance: number;
  readonly plan: SearchPlan;
}

export interface SearchAnswer {
  readonly job: number;
  readonly matches?: Uint32Array;
  readonly error?: string;
}

function runJob(job: SearchJob): Uint32Array {
  const out: number[] = [];
  const per = job.variants * PACKED_WORDS;
  const always = (): boolean => true;
  for (let q = 0; q * per < job.queries.length; q++) {
    const qs = Array.from({ length: job.variants }, (_, v) =>
      job.queries.subarray(q * per + v * PACKED_WORDS, q * per + (v + 1) * PACKED_WORDS),
    );
    const sink = (id: number, distance: number, variant: number): void => {
      out.push(job.first + q, id, distance, variant);
    };
    searchBase(job.base, qs, job.maxDistance, job.plan, sink);
    const pendingCount = job.pendingIds.length;
    scanPacked(job.pendingHashes, job.pendingIds, pendingCount, always, qs, job.maxDistance, sink);
  }
  return Uint32Array.from(out);
}

parentPort?.on('message', (job: SearchJob) => {
  try {
    const matches = runJob(job);
    parentPort?.postMessage({ job: job.job, matches } satisfies SearchAnswer, [
      matches.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    parentPort?.postMessage({ job: job.job, error: String(err) } satisfies SearchAnswer);
  }
});
