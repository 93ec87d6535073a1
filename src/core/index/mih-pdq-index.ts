/**
 * MihPdqIndex: the exact, live PDQ range index. A MihBase (multi-index hashing over typed
 * arrays, see mih-base.ts and slot-layout.ts) holds the bulk; a PdqDelta takes new hashes, so an
 * added hash is matchable as soon as `add` returns; removal sets a tombstone. Compaction folds
 * the delta and the tombstones into a new base in slices (a generator), a slice at a time on
 * each add/remove and from `compactStep()` when the caller has idle time, so no query ever waits
 * for a rebuild: until the new base is swapped in, queries use the old one.
 */
import type { PdqHash } from '../pdq/pdq-hash.js';
import { checkId, checkMaxDistance, checkPdqHash, checkVariants } from './index-arguments.js';
import {
  BUILD_SLICE,
  buildBase,
  findPosition,
  isDead,
  markDead,
  runToEnd,
  sharedUint32,
  type MihBase,
} from './mih-base.js';
import { searchBase, scanPacked, type MatchSink } from './mih-search.js';
import { PACKED_WORDS, packPdq } from './packed-hash.js';
import { PdqDelta } from './pdq-delta.js';
import { chooseLayout, planSearch, type SearchPlan } from './search-plan.js';
import { spreadLayout, type SlotLayout } from './slot-layout.js';
import type { DihedralMatch, PdqIndex, RangeMatch } from './signal-index.js';

export interface MihOptions {
  /** Delta entries that start a compaction (default 4096: a scan of ~30 µs per query). */
  readonly deltaLimit?: number;
  /** Compaction slices run by each add/remove while a compaction is pending (default 1). */
  readonly slicesPerWrite?: number;
  /** Fixed slot count instead of the measured choice for the bank size (benchmarks). */
  readonly slots?: number;
  /** Fixed slot width in bits (with `slots`; default the widest that fits). */
  readonly slotWidth?: number;
}

/** Counters for monitoring and the benchmark. */
export interface MihStats {
  readonly baseCount: number;
  readonly baseDead: number;
  readonly deltaCount: number;
  readonly slotWidths: readonly number[];
  readonly compacting: boolean;
}

export class MihPdqIndex implements PdqIndex {
  private base: MihBase;
  private delta = new PdqDelta();
  /** The delta being folded in by a running compaction (still searched), else null. */
  private frozen: PdqDelta | null = null;
  private compaction: Generator<void, MihBase> | null = null;
  /** Ids removed from the old base or frozen delta while a compaction runs. */
  private removedDuringCompaction: number[] = [];
  private plans = new Map<number, SearchPlan>();
  private readonly deltaLimit: number;
  private readonly slicesPerWrite: number;

  constructor(
    private readonly options: MihOptions = {},
    base?: MihBase,
  ) {
    this.deltaLimit = options.deltaLimit ?? 4096;
    this.slicesPerWrite = options.slicesPerWrite ?? 1;
    this.base =
      base ?? runToEnd(buildBase(layoutFor(0, options), sharedUint32(0), sharedUint32(0), 0));
  }

  /**
   * Bulk build from parallel arrays (`hashes` packed, PACKED_WORDS per entry). A repeated id
   * keeps its last hash, as repeated `add` would.
   */
  static build(ids: Uint32Array, hashes: Uint32Array, options: MihOptions = {}): MihPdqIndex {
    const [sortedIds, sortedHashes, count] = sortUniqueById(ids, hashes);
    const layout = layoutFor(count, options);
    return new MihPdqIndex(options, runToEnd(buildBase(layout, sortedIds, sortedHashes, count)));
  }

  /** Wraps an existing base (a decoded snapshot). */
  static fromBase(base: MihBase, options: MihOptions = {}): MihPdqIndex {
    return new MihPdqIndex(options, base);
  }

  get size(): number {
    const frozen = this.frozen === null ? 0 : this.frozen.live;
    return this.base.count - this.base.deadCount + frozen + this.delta.live;
  }

  add(id: number, hash: PdqHash): void {
    checkId(id);
    checkPdqHash(hash);
    this.removeLive(id);
    this.delta.add(id, hash);
    this.afterWrite();
  }

  remove(id: number): boolean {
    const removed = this.removeLive(id);
    if (removed) this.afterWrite();
    return removed;
  }

  search(query: PdqHash, maxDistance: number): RangeMatch[] {
    checkPdqHash(query);
    checkMaxDistance(maxDistance);
    const out: RangeMatch[] = [];
    this.collect([packPdq(query)], maxDistance, (id, distance) => out.push({ id, distance }));
    return out.sort((a, b) => a.id - b.id);
  }

  searchAny(variants: readonly PdqHash[], maxDistance: number): DihedralMatch[] {
    checkVariants(variants);
    checkMaxDistance(maxDistance);
    const out: DihedralMatch[] = [];
    const qs = variants.map(packPdq);
    this.collect(qs, maxDistance, (id, distance, variant) => out.push({ id, distance, variant }));
    return out.sort((a, b) => a.id - b.id);
  }

  /** Runs one slice of a pending compaction; true when none is pending afterwards. */
  compactStep(): boolean {
    if (this.compaction === null) return true;
    const next = this.compaction.next();
    if (next.done === true) this.finishCompaction(next.value);
    return this.compaction === null;
  }

  /** Starts a compaction now (if none runs) and runs it to the end. */
  compact(): void {
    if (this.compaction === null) this.startCompaction();
    while (!this.compactStep());
  }

  stats(): MihStats {
    return {
      baseCount: this.base.count,
      baseDead: this.base.deadCount,
      deltaCount: this.delta.count + (this.frozen?.count ?? 0),
      slotWidths: this.base.layout.widths,
      compacting: this.compaction !== null,
    };
  }

  /** The current base (for snapshots and worker threads); do not mutate. */
  currentBase(): MihBase {
    return this.base;
  }

  /** Live delta entries not yet in the base (for snapshots and worker threads). */
  pendingEntries(): { ids: Uint32Array; hashes: Uint32Array } {
    const pairs = [...(this.frozen?.liveSortedById() ?? []).map((e) => [this.frozen!, e] as const)];
    for (const e of this.delta.liveSortedById()) pairs.push([this.delta, e]);
    const ids = new Uint32Array(pairs.length);
    const hashes = new Uint32Array(pairs.length * PACKED_WORDS);
    pairs.forEach(([delta, [id, p]], k) => {
      ids[k] = id;
      copyHash(delta.hashes, p, hashes, k);
    });
    return { ids, hashes };
  }

  /**
   * Matches among the entries not in the base yet (the delta a compaction is folding in, and
   * the live delta), for packed queries `qs`. With `currentBase()` searched by the same
   * kernels, this is the whole index: how a worker thread shares the work (search-lane.ts).
   */
  collectPending(qs: readonly Uint32Array[], d: number, sink: MatchSink): void {
    for (const delta of this.frozen === null ? [this.delta] : [this.frozen, this.delta]) {
      const live = (p: number): boolean => delta.dead[p] === 0;
      scanPacked(delta.hashes, delta.ids, delta.count, live, qs, d, sink);
    }
  }

  private collect(qs: Uint32Array[], d: number, sink: MatchSink): void {
    searchBase(this.base, qs, d, this.planFor(d), sink);
    this.collectPending(qs, d, sink);
  }

  /** The search plan for radius `d` (null: linear scan); cached until the base changes. */
  planFor(d: number): SearchPlan {
    let plan = this.plans.get(d);
    if (plan === undefined) {
      plan = planSearch(this.base.layout.widths, this.base.count, d);
      this.plans.set(d, plan);
    }
    return plan;
  }

  /** Removes the live entry of `id` wherever it is. */
  private removeLive(id: number): boolean {
    if (this.delta.remove(id)) return true;
    if (this.frozen !== null && this.frozen.remove(id)) {
      this.removedDuringCompaction.push(id);
      return true;
    }
    const p = findPosition(this.base, id);
    if (p < 0 || isDead(this.base, p)) return false;
    markDead(this.base, p);
    if (this.compaction !== null) this.removedDuringCompaction.push(id);
    return true;
  }

  private afterWrite(): void {
    if (this.compaction === null) {
      const tooManyDead = this.base.deadCount > 1024 && this.base.deadCount * 4 > this.base.count;
      if (this.delta.count >= this.deltaLimit || tooManyDead) this.startCompaction();
      return;
    }
    for (let s = 0; s < this.slicesPerWrite && this.compaction !== null; s++) this.compactStep();
  }

  /** Starts a compaction unless one runs; compactStep() (or later writes) carry it on. */
  startCompaction(): void {
    if (this.compaction !== null) return;
    this.frozen = this.delta;
    this.delta = new PdqDelta();
    this.removedDuringCompaction = [];
    this.compaction = compactSteps(this.base, this.frozen, this.options);
  }

  private finishCompaction(next: MihBase): void {
    for (const id of this.removedDuringCompaction) {
      const p = findPosition(next, id);
      if (p >= 0 && !isDead(next, p)) markDead(next, p);
    }
    this.base = next;
    this.frozen = null;
    this.compaction = null;
    this.removedDuringCompaction = [];
    this.plans = new Map();
  }
}

/** Merges the live base entries and the frozen delta (both by id), then builds a new base. */
function* compactSteps(
  base: MihBase,
  frozen: PdqDelta,
  options: MihOptions,
): Generator<void, MihBase> {
  const extra = frozen.liveSortedById();
  const count = base.count - base.deadCount + extra.length;
  const ids = sharedUint32(count);
  const hashes = sharedUint32(count * PACKED_WORDS);
  let n = 0;
  let e = 0;
  for (let p = 0; p < base.count; p++) {
    if ((p & (BUILD_SLICE - 1)) === BUILD_SLICE - 1) yield;
    if (isDead(base, p)) continue;
    for (; e < extra.length && extra[e][0] < base.ids[p]; e++)
      n = copyFrom(frozen, extra[e], ids, hashes, n);
    ids[n] = base.ids[p];
    copyHash(base.hashes, p, hashes, n);
    n++;
  }
  for (; e < extra.length; e++) n = copyFrom(frozen, extra[e], ids, hashes, n);
  yield;
  const layout = layoutFor(n, options);
  return yield* buildBase(layout, ids, hashes, n);
}

function copyFrom(
  delta: PdqDelta,
  [id, p]: [number, number],
  ids: Uint32Array,
  hashes: Uint32Array,
  n: number,
): number {
  ids[n] = id;
  copyHash(delta.hashes, p, hashes, n);
  return n + 1;
}

/** Sorts parallel id/hash arrays by id into shared memory, keeping the last of repeated ids. */
function sortUniqueById(ids: Uint32Array, hashes: Uint32Array): [Uint32Array, Uint32Array, number] {
  if (isStrictlyAscending(ids)) return [toShared(ids), toShared(hashes), ids.length];
  const order = new Uint32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => ids[a] - ids[b] || b - a);
  const outIds = sharedUint32(ids.length);
  const outHashes = sharedUint32(ids.length * PACKED_WORDS);
  let n = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (n > 0 && outIds[n - 1] === ids[i]) continue;
    outIds[n] = ids[i];
    copyHash(hashes, i, outHashes, n);
    n++;
  }
  return [outIds, outHashes, n];
}

function isStrictlyAscending(ids: Uint32Array): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i] <= ids[i - 1]) return false;
  return true;
}

function toShared(array: Uint32Array): Uint32Array {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const out = sharedUint32(array.length);
  out.set(array);
  return out;
}

function layoutFor(n: number, options: MihOptions): SlotLayout {
  if (options.slots === undefined) return chooseLayout(n);
  return spreadLayout(options.slots, options.slotWidth ?? 32);
}

/** Copies packed hash `from` of `source` to slot `to` of `target` (word by word: a subarray per
 * hash would cost more than the copy). */
function copyHash(source: Uint32Array, from: number, target: Uint32Array, to: number): void {
  for (let j = 0; j < PACKED_WORDS; j++)
    target[to * PACKED_WORDS + j] = source[from * PACKED_WORDS + j];
}
