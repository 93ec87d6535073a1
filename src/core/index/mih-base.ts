/**
 * MihBase: the immutable bulk of the multi-index, in typed arrays on SharedArrayBuffers (so
 * worker threads search the same memory without a copy). Entries are sorted by id, so an id's
 * position is a binary search away and no id map is kept. Per slot, a CSR table: offsets[v] ..
 * offsets[v + 1] delimit, in entries, the positions whose slot value is v (counting sort).
 * Removal only sets a bit in `dead`; compaction builds a new base.
 *
 * Memory per hash at n hashes and m slots of w bits: 32 (hash) + 4 (id) + 4m (slot entries)
 * + 4m·2^w/n (offsets) + 1/8 (dead bit): 97 bytes for 12×21–22 bits at 10M.
 */
import { PACKED_WORDS } from './packed-hash.js';
import type { SlotLayout } from './slot-layout.js';

export interface MihBase {
  readonly layout: SlotLayout;
  readonly count: number;
  /** Packed hashes, PACKED_WORDS per entry. */
  readonly hashes: Uint32Array;
  /** External ids, strictly ascending. */
  readonly ids: Uint32Array;
  /** Per slot, 2^w + 1 bucket starts. */
  readonly offsets: readonly Uint32Array[];
  /** Per slot, `count` positions grouped by slot value. */
  readonly entries: readonly Uint32Array[];
  /** Tombstones: bit p set when position p is removed. */
  readonly dead: Uint32Array;
  /** Number of set bits in `dead`. */
  deadCount: number;
}

/** Entries processed between yields of a sliced build (well under a millisecond of work). */
export const BUILD_SLICE = 1 << 12;

/** A Uint32Array on shared memory (transferable to workers without a copy). */
export function sharedUint32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(Math.max(1, length) * 4));
}

/** True when position `p` of `base` is removed. */
export function isDead(base: MihBase, p: number): boolean {
  return (base.dead[p >>> 5] & (1 << (p & 31))) !== 0;
}

/** Position of `id` in `base` (live or dead), or -1. */
export function findPosition(base: MihBase, id: number): number {
  const ids = base.ids;
  let lo = 0;
  let hi = base.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else if (ids[mid] > id) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** Marks position `p` removed. */
export function markDead(base: MihBase, p: number): void {
  base.dead[p >>> 5] |= 1 << (p & 31);
  base.deadCount++;
}

/**
 * Builds the slot tables over `ids` (strictly ascending) and their packed `hashes` (both on
 * shared memory), yielding every BUILD_SLICE entries so a caller can spread the work.
 */
export function* buildBase(
  layout: SlotLayout,
  ids: Uint32Array,
  hashes: Uint32Array,
  count: number,
): Generator<void, MihBase> {
  const offsets: Uint32Array[] = [];
  const entries: Uint32Array[] = [];
  const scratch = new RadixScratch(count);
  for (let i = 0; i < layout.widths.length; i++) {
    const table = sharedUint32((1 << layout.widths[i]) + 1);
    const slot = sharedUint32(count);
    yield* fillSlot(table, slot, hashes, count, layout.starts[i], layout.widths[i], scratch);
    offsets.push(table);
    entries.push(slot);
  }
  const dead = sharedUint32(Math.ceil(count / 32));
  return { layout, count, hashes, ids, offsets, entries, dead, deadCount: 0 };
}

/** Work arrays of the radix sort, shared by the slots of one build. */
class RadixScratch {
  readonly keys: Uint32Array;
  readonly keys2: Uint32Array;
  readonly positions: Uint32Array;
  readonly counts = new Uint32Array(1 << 12);

  constructor(count: number) {
    this.keys = new Uint32Array(count);
    this.keys2 = new Uint32Array(count);
    this.positions = new Uint32Array(count);
  }
}

/** Slot bits [start, start + width) of packed hash p (local copy of slotValue: hot loop). */
function valueAt(hashes: Uint32Array, p: number, start: number, width: number): number {
  const j = p * PACKED_WORDS + (start >>> 5);
  const shift = start & 31;
  let v = hashes[j] >>> shift;
  if (shift + width > 32) v |= hashes[j + 1] << (32 - shift);
  return (v & ((1 << width) - 1)) >>> 0;
}

/**
 * One slot's table: the positions sorted by slot value (a stable two-pass LSD radix sort on the
 * low, then the high half of the value), then the bucket starts from one sweep of the sorted
 * values. Every pass reads and writes memory in order or touches a 4,096-entry histogram; a
 * direct counting sort into the 2^w table missed the cache on every entry and built 10× slower.
 */
function* fillSlot(
  table: Uint32Array,
  slot: Uint32Array,
  hashes: Uint32Array,
  count: number,
  start: number,
  width: number,
  scratch: RadixScratch,
): Generator<void> {
  const { keys, keys2, positions } = scratch;
  for (let p = 0; p < count; p++) {
    keys[p] = valueAt(hashes, p, start, width);
    if ((p & (BUILD_SLICE - 1)) === BUILD_SLICE - 1) yield;
  }

  // Pass 1 takes the positions 0..count-1 implicitly (values === null), pass 2 ends in `slot`.
  const low = width >>> 1;
  yield* radixPass(keys, null, keys2, positions, count, 0, low, scratch.counts);
  yield* radixPass(keys2, positions, keys, slot, count, low, width - low, scratch.counts);

  // table[v] = index of the first sorted key ≥ v; table[2^w] = count.
  let v = 0;
  for (let k = 0; k < count; k++) {
    const key = keys[k];
    while (v <= key) table[v++] = k;
    if ((k & (BUILD_SLICE - 1)) === BUILD_SLICE - 1) yield;
  }
  table.fill(count, v);
}

/** One stable counting pass on key bits [shift, shift + bits): (keys, values) → (outKeys, outValues). */
function* radixPass(
  keys: Uint32Array,
  values: Uint32Array | null,
  outKeys: Uint32Array,
  outValues: Uint32Array,
  count: number,
  shift: number,
  bits: number,
  counts: Uint32Array,
): Generator<void> {
  const mask = (1 << bits) - 1;
  counts.fill(0);
  for (let k = 0; k < count; k++) {
    counts[(keys[k] >>> shift) & mask]++;
    if ((k & (BUILD_SLICE * 4 - 1)) === BUILD_SLICE * 4 - 1) yield;
  }
  let sum = 0;
  for (let b = 0; b <= mask; b++) [counts[b], sum] = [sum, sum + counts[b]];
  for (let k = 0; k < count; k++) {
    const at = counts[(keys[k] >>> shift) & mask]++;
    outKeys[at] = keys[k];
    outValues[at] = values === null ? k : values[k];
    if ((k & (BUILD_SLICE - 1)) === BUILD_SLICE - 1) yield;
  }
}

/** Runs a sliced build to the end at once. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}
