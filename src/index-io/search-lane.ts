/**
 * SearchLane: runs the PDQ searches of live match requests on a worker thread, so that the
 * event loop keeps its core for HTTP and the store while another core searches. Why: at 1M
 * banked hashes a search costs 100–200 µs, as much as the rest of a match request, and a
 * single thread left the machine's second core idle.
 *
 * A query takes its snapshot of the index when it is asked: the base it will be searched in
 * (shared memory, so the worker reads the same arrays without a copy) and, searched at once on
 * this thread, the small delta of hashes added since the base was built. A hash added before the
 * query is therefore found by it, and a compaction that swaps the base meanwhile changes
 * nothing for it. Queries asked in the same turn of the event loop travel as one message per
 * (base, variant count, radius). If the worker fails, the lane logs it once and searches on
 * this thread from then on; small bases (where a message costs more than the search) are
 * always searched here.
 */
import type { Worker } from 'node:worker_threads';
import { checkMaxDistance, checkVariants } from '../core/index/index-arguments.js';
import type { MihBase } from '../core/index/mih-base.js';
import type { MihPdqIndex } from '../core/index/mih-pdq-index.js';
import { searchBase } from '../core/index/mih-search.js';
import { PACKED_WORDS, packPdq } from '../core/index/packed-hash.js';
import { planSearch, type SearchPlan } from '../core/index/search-plan.js';
import type { DihedralMatch } from '../core/index/signal-index.js';
import type { PdqHash } from '../core/pdq/pdq-hash.js';
import { logger } from '../log/logger.js';
import { startModuleWorker } from '../media/module-worker.js';
import type { LaneAnswer, LaneBase, LaneJob } from './search-lane-worker.js';

/** Bases smaller than this are searched on the calling thread (tens of microseconds). */
export const MIN_OFFLOAD_COUNT = 50_000;

/**
 * Most queries in one message. Small jobs keep both threads busy: the event loop answers the
 * first queries of a turn while the worker still searches the later ones (one job for a whole
 * turn left each thread idle about 40% of the time, waiting for the other).
 */
const MAX_JOB_QUERIES = 2;

interface Query {
  readonly base: MihBase;
  readonly packed: Uint32Array[];
  readonly maxDistance: number;
  readonly matches: DihedralMatch[];
  resolve(matches: DihedralMatch[]): void;
}

export class SearchLane {
  private worker: Worker | null;
  private queue: Query[] = [];
  private scheduled = false;
  private readonly jobs = new Map<number, Query[]>();
  private nextJob = 0;
  private readonly plans = new WeakMap<MihBase, Map<number, SearchPlan>>();
  /** Number of each base sent to the worker; the last one sent. */
  private readonly baseIds = new WeakMap<MihBase, number>();
  private nextBaseId = 0;

  /** Starts the worker; `minCount` is the smallest base worth a message. close() when done. */
  constructor(private readonly minCount = MIN_OFFLOAD_COUNT) {
    this.worker = this.start();
  }

  /**
   * Every live entry of `index` within `maxDistance` of any of `variants`, each once with its
   * smallest distance and first variant reaching it, in ascending id order (as searchAny).
   */
  search(
    index: MihPdqIndex,
    variants: readonly PdqHash[],
    maxDistance: number,
  ): Promise<DihedralMatch[]> {
    checkVariants(variants);
    checkMaxDistance(maxDistance);
    const base = index.currentBase();
    if (this.worker === null || base.count < this.minCount) {
      return Promise.resolve(index.searchAny(variants, maxDistance));
    }
    const packed = variants.map(packPdq);
    const matches: DihedralMatch[] = [];
    index.collectPending(packed, maxDistance, (id, distance, variant) =>
      matches.push({ id, distance, variant }),
    );
    return new Promise((resolve) => {
      this.queue.push({ base, packed, maxDistance, matches, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Stops the worker; queries still queued or in flight are searched on this thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.searchHere([...this.jobs.values()].flat());
    this.jobs.clear();
    if (worker !== null) await worker.terminate();
  }

  /** Sends the queued queries, one job per (base, variant count, radius). */
  private flush(): void {
    this.scheduled = false;
    const queued = this.queue;
    this.queue = [];
    if (this.worker === null) return this.searchHere(queued);
    const groups = new Map<MihBase, Map<number, Query[]>>();
    for (const q of queued) {
      const byShape = groups.get(q.base) ?? new Map<number, Query[]>();
      groups.set(q.base, byShape);
      const shape = q.packed.length * 64 + q.maxDistance;
      const group = byShape.get(shape) ?? [];
      byShape.set(shape, group);
      group.push(q);
    }
    for (const [base, byShape] of groups) {
      for (const group of byShape.values()) {
        for (let i = 0; i < group.length; i += MAX_JOB_QUERIES) {
          this.post(this.worker, base, group.slice(i, i + MAX_JOB_QUERIES));
        }
      }
    }
  }

  private post(worker: Worker, base: MihBase, group: Query[]): void {
    const variants = group[0].packed.length;
    const maxDistance = group[0].maxDistance;
    const queries = new Uint32Array(group.length * variants * PACKED_WORDS);
    group.forEach((q, k) =>
      q.packed.forEach((h, v) => queries.set(h, (k * variants + v) * PACKED_WORDS)),
    );
    const job = this.nextJob++;
    this.jobs.set(job, group);
    worker.ref(); // an idle worker keeps no process alive; one with work in flight must
    const baseId = this.sendBase(worker, base);
    const plan = this.planFor(base, maxDistance);
    const message: LaneJob = { kind: 'job', job, baseId, queries, variants, maxDistance, plan };
    worker.postMessage(message, [queries.buffer]);
  }

  /** The base's number, sending the base first if the worker has not seen it. */
  private sendBase(worker: Worker, base: MihBase): number {
    let baseId = this.baseIds.get(base);
    if (baseId === undefined) {
      baseId = this.nextBaseId++;
      this.baseIds.set(base, baseId);
      worker.postMessage({ kind: 'base', baseId, base } satisfies LaneBase);
    }
    return baseId;
  }

  private answered(answer: LaneAnswer): void {
    const group = this.jobs.get(answer.job);
    if (group === undefined) return;
    this.jobs.delete(answer.job);
    if (this.jobs.size === 0) this.worker?.unref();
    if (answer.unknownBase === true) return this.searchHere(group);
    if (answer.matches === undefined) {
      this.fail(new Error(`search worker: ${answer.error}`));
      return this.searchHere(group);
    }
    const m = answer.matches;
    for (let k = 0; k < m.length; k += 4) {
      group[m[k]].matches.push({ id: m[k + 1], distance: m[k + 2], variant: m[k + 3] });
    }
    for (const q of group) q.resolve(q.matches.sort((a, b) => a.id - b.id));
  }

  /** Searches queries' bases on this thread (fallback and close). */
  private searchHere(queries: readonly Query[]): void {
    for (const q of queries) {
      const plan = this.planFor(q.base, q.maxDistance);
      searchBase(q.base, q.packed, q.maxDistance, plan, (id, distance, variant) =>
        q.matches.push({ id, distance, variant }),
      );
      q.resolve(q.matches.sort((a, b) => a.id - b.id));
    }
  }

  /** The plan for radius `d` over `base`'s own layout (a swapped-out base keeps its plans). */
  private planFor(base: MihBase, d: number): SearchPlan {
    let plans = this.plans.get(base);
    if (plans === undefined) this.plans.set(base, (plans = new Map()));
    let plan = plans.get(d);
    if (plan === undefined) {
      plan = planSearch(base.layout.widths, base.count, d);
      plans.set(d, plan);
    }
    return plan;
  }

  private fail(err: unknown): void {
    if (this.worker === null) return;
    logger.error({ err }, 'the PDQ search worker failed; searching on the event loop from now on');
    const worker = this.worker;
    this.worker = null;
    void worker.terminate();
    const stranded = [...this.jobs.values()].flat();
    this.jobs.clear();
    this.searchHere(stranded);
  }

  private start(): Worker {
    const worker = startModuleWorker(import.meta.url, 'search-lane-worker');
    worker.on('message', (answer: LaneAnswer) => this.answered(answer));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new Error(`search worker exited with ${code}`));
    });
    worker.unref();
    return worker;
  }
}
