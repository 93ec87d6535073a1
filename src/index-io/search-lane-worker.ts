/**
 * Worker thread of SearchLane. The lane sends each base of the index once (its arrays are
 * shared memory, so this is a handle, not a copy, but cloning three dozen shared arrays per
 * message cost as much as the searches), then jobs that name the base by number. The worker
 * keeps the last few bases; a job for one it no longer has is answered `unknownBase`, and the
 * lane searches it itself.
 */
import { parentPort } from 'node:worker_threads';
import type { MihBase } from '../core/index/mih-base.js';
import { searchBase } from '../core/index/mih-search.js';
import { PACKED_WORDS } from '../core/index/packed-hash.js';
import type { SearchPlan } from '../core/index/search-plan.js';

/** Bases kept: the current one and those queries asked just before a swap may still need. */
const KEPT_BASES = 4;

/** A new base of the index, numbered by the lane. */
export interface LaneBase {
  readonly kind: 'base';
  readonly baseId: number;
  readonly base: MihBase;
}

/** Queries of one shape against one base: `variants` packed hashes per query. */
export interface LaneJob {
  readonly kind: 'job';
  readonly job: number;
  readonly baseId: number;
  readonly queries: Uint32Array;
  readonly variants: number;
  readonly maxDistance: number;
  readonly plan: SearchPlan;
}

/** Matches as [query, id, distance, variant] words; or why there are none. */
export interface LaneAnswer {
  readonly job: number;
  readonly matches?: Uint32Array;
  readonly unknownBase?: boolean;
  readonly error?: string;
}

const bases = new Map<number, MihBase>();

function runJob(base: MihBase, job: LaneJob): Uint32Array {
  const out: number[] = [];
  const per = job.variants * PACKED_WORDS;
  for (let q = 0; q * per < job.queries.length; q++) {
    const qs = Array.from({ length: job.variants }, (_, v) =>
      job.queries.subarray(q * per + v * PACKED_WORDS, q * per + (v + 1) * PACKED_WORDS),
    );
    searchBase(base, qs, job.maxDistance, job.plan, (id, distance, variant) => {
      out.push(q, id, distance, variant);
    });
  }
  return Uint32Array.from(out);
}

function answer(job: LaneJob): LaneAnswer {
  const base = bases.get(job.baseId);
  if (base === undefined) return { job: job.job, unknownBase: true };
  try {
    return { job: job.job, matches: runJob(base, job) };
  } catch (err) {
    return { job: job.job, error: String(err) };
  }
}

parentPort?.on('message', (message: LaneBase | LaneJob) => {
  if (message.kind === 'base') {
    bases.set(message.baseId, message.base);
    for (const id of bases.keys()) if (bases.size > KEPT_BASES) bases.delete(id);
    return;
  }
  const reply = answer(message);
  const transfer = reply.matches ? [reply.matches.buffer as ArrayBuffer] : [];
  parentPort?.postMessage(reply, transfer);
});
