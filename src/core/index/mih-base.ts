/**
 * MihBase: the immutable bulk of the multi-index, in typed arrays on SharedArrayBuffers (so
 * worker threads search the same memory without a copy). Entries are sorted by id, so an id's
 * position is a binary search away and no id map is kept. Removal only sets a bit in `dead`;
 * compaction builds a new base.
 *
 * Each slot's table is a bucket directory plus the positions grouped by slot value. The 2^w
 * buckets are taken 32 at a time: group g has a bitmap word (bit b set when bucket 32g + b
 * holds anything) and the index in `entries` of its first position. An entry word carries the
 * position in its low 27 bits and the bucket's low 5 bits (its bit in the group) above them.
 * Why not one offset per bucket (the CSR table this replaced): at 1M hashes in 23-bit slots
 * nearly 9 buckets in 10 are empty, and a 4-byte offset per bucket made every probe, empty or
 * not, a cache miss in a 32 MiB table per slot. The bitmaps cost 2^w / 8 bytes per slot (1 MiB
 * at 23 bits) and are all a probe reads when its buckets are empty; the group starts, as large,
 * are read only for a hit. Measured here, random reads cost about 3 ns within 8 MiB of memory,
 * 13 ns within 16 MiB and 20–29 ns beyond (bench notes in docs/index.md).
 *
 * Memory per hash at n hashes and m slots of w bits: 32 (hash) + 4 (id) + 4m (entries)
 * + m·2^w/(4n) (bitmaps and group starts) + 1/8 (dead bit): 82 bytes for 11 × 23 bits at 10M.
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
  /** Per slot, 2^(w−5) bitmap words: bit b of word g set when bucket 32g + b is not empty. */
  readonly bitmaps: readonly Uint32Array[];
  /** Per slot, 2^(w−5) + 1 group starts: the index in `entries` of each group's first entry. */
  readonly groupStarts: readonly Uint32Array[];
  /** Per slot, `count` entry words (bucket bit << 27 | position), in slot-value order. */
  readonly entries: readonly Uint32Array[];
  /** Tombstones: bit p set when position p is removed. */
  readonly dead: Uint32Array;
  /** Number of set bits in `dead`. */
  deadCount: number;
}

/** Buckets per directory group (one bitmap word). */
export const GROUP_BITS = 5;

/** Bits of an entry word that hold the position; a base holds at most 2^27 hashes. */
export const POSITION_BITS = 27;
export const POSITION_MASK = (1 << POSITION_BITS) - 1;
export const MAX_BASE_COUNT = 1 << POSITION_BITS;

/** Directory groups of a slot of `width` bits. */
export function groupCount(width: number): number {
  return 1 << (width - GROUP_BITS);
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
  checkBuildable(layout, count);
  const bitmaps: Uint32Array[] = [];
  const groupStarts: Uint32Array[] = [];
  const entries: Uint32Array[] = [];
  const scratch = new RadixScratch(count);
  for (let i = 0; i < layout.widths.length; i++) {
    const table: SlotTable = {
      bitmap: sharedUint32(groupCount(layout.widths[i])),
      starts: sharedUint32(groupCount(layout.widths[i]) + 1),
      entries: sharedUint32(count),
    };
    yield* fillSlot(table, hashes, count, layout.starts[i], layout.widths[i], scratch);
    bitmaps.push(table.bitmap);
    groupStarts.push(table.starts);
    entries.push(table.entries);
  }
  const dead = sharedUint32(Math.ceil(count / 32));
  return { layout, count, hashes, ids, bitmaps, groupStarts, entries, dead, deadCount: 0 };
}

/** Programming errors only: layouts come from slot-layout.ts and counts from the index. */
function checkBuildable(layout: SlotLayout, count: number): void {
  if (count > MAX_BASE_COUNT) {
    throw new RangeError(`a base holds at most ${MAX_BASE_COUNT} hashes, got ${count}`);
  }
  for (const w of layout.widths) {
    if (w < GROUP_BITS || w > 24) throw new RangeError(`slot widths are 5..24 bits, got ${w}`);
  }
}

/** The three arrays of one slot. */
interface SlotTable {
  readonly bitmap: Uint32Array;
  readonly starts: Uint32Array;
  readonly entries: Uint32Array;
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
 * low, then the high half of the value), then the directory and the entry tags from one sweep
 * of the sorted values. Every pass reads and writes memory in order or touches a 4,096-entry
 * histogram; a direct counting sort into the 2^w table missed the cache on every entry and
 * built 10× slower.
 */
function* fillSlot(
  table: SlotTable,
  hashes: Uint32Array,
  count: number,
  start: number,
  width: number,
  scratch: RadixScratch,
): Generator<void> {
  const { keys, keys2, positions } = scratch;
  const { bitmap, starts, entries: slot } = table;
  for (let p = 0; p < count; p++) {
    keys[p] = valueAt(hashes, p, start, width);
    if ((p & (BUILD_SLICE - 1)) === BUILD_SLICE - 1) yield;
  }

  // Pass 1 takes the positions 0..count-1 implicitly (values === null), pass 2 ends in `slot`.
  const low = width >>> 1;
  yield* radixPass(keys, null, keys2, positions, count, 0, low, scratch.counts);
  yield* radixPass(keys2, positions, keys, slot, count, low, width - low, scratch.counts);

  // starts[g] = index of the first sorted key of group ≥ g; starts[groups] = count.
  let g = 0;
  for (let k = 0; k < count; k++) {
    const key = keys[k];
    const group = key >>> GROUP_BITS;
    while (g <= group) starts[g++] = k;
    const bit = key & ((1 << GROUP_BITS) - 1);
    bitmap[group] |= 1 << bit;
    slot[k] = ((bit << POSITION_BITS) | slot[k]) >>> 0;
    if ((k & (BUILD_SLICE - 1)) === BUILD_SLICE - 1) yield;
  }
  starts.fill(count, g);
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

/** How many positions bucket `v` of slot `i` holds (for benchmarks; searches inline this). */
export function bucketSize(base: MihBase, i: number, v: number): number {
  const g = v >>> GROUP_BITS;
  const bit = v & ((1 << GROUP_BITS) - 1);
  if (((base.bitmaps[i][g] >>> bit) & 1) === 0) return 0;
  let n = 0;
  for (let k = base.groupStarts[i][g]; k < base.groupStarts[i][g + 1]; k++) {
    if (base.entries[i][k] >>> POSITION_BITS === bit) n++;
  }
  return n;
}
