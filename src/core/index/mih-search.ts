/**
 * The search kernels over a MihBase, shared by the index and the worker threads: multi-index
 * probing for one query or for up to 8 dihedral variants at once, and the linear scan used when
 * the plan says it is cheaper (large radii). Candidates are not deduplicated with a visited set:
 * unrelated hashes rarely turn up twice, and a true match is reported only from the first slot
 * (and first variant) that can find it, which is checked on the match alone.
 */
import {
  isDead,
  POSITION_BITS as TAG_SHIFT,
  POSITION_MASK as POSITION,
  type MihBase,
} from './mih-base.js';
import { PACKED_WORDS } from './packed-hash.js';
import { groupProbes, LOW_BALLS as LOW_BALLS_TABLE, type GroupProbes } from './probe-masks.js';
import type { SearchPlan } from './search-plan.js';
import { slotValue } from './slot-layout.js';

/**
 * Hot helpers are local to this module on purpose: V8 inlines calls within a module, while a
 * call through an imported binding costs a getter call per use under tsx's module transform
 * (measured: the candidate check ran 3× slower imported).
 */
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Distance of q to the hash at `at`, or a partial sum above `limit` once it passes it. */
function packedDistanceWithin(q: Uint32Array, words: Uint32Array, at: number, limit: number) {
  let d = popcount32(q[0] ^ words[at]) + popcount32(q[1] ^ words[at + 1]);
  d += popcount32(q[2] ^ words[at + 2]) + popcount32(q[3] ^ words[at + 3]);
  if (d > limit) return d;
  d += popcount32(q[4] ^ words[at + 4]) + popcount32(q[5] ^ words[at + 5]);
  return d + popcount32(q[6] ^ words[at + 6]) + popcount32(q[7] ^ words[at + 7]);
}

/** Collects matches: an id, its distance, and the variant (0 for single queries). */
export type MatchSink = (id: number, distance: number, variant: number) => void;

/** True when a slot before `slot` lets the plan find position p for query q (at word 0). */
function foundEarlier(base: MihBase, q: Uint32Array, p: number, slot: number, plan: Int8Array) {
  const { starts, widths } = base.layout;
  for (let j = 0; j < slot; j++) {
    if (plan[j] < 0) continue;
    const a = slotValue(q, 0, starts[j], widths[j]);
    const b = slotValue(base.hashes, p * PACKED_WORDS, starts[j], widths[j]);
    if (popcount32(a ^ b) <= plan[j]) return true;
  }
  return false;
}

// Module-local copies of imported constants, for the same reason as the helpers above.
const LOW_BALLS = LOW_BALLS_TABLE;
const POSITION_BITS = TAG_SHIFT;
const POSITION_MASK = POSITION;

/**
 * Software prefetch. A loop with real work per element keeps only a few of its cache misses in
 * flight (the processor's window holds a few iterations), so each kernel pass below is
 * preceded by a loop that only loads the lines it will need, many of them at once; the real
 * pass then finds them in cache. Measured at 1M hashes, 11 × 23 bits: 110 µs a query instead of
 * 150 (bitmaps 59 → 46 µs, entries 38 → 25, verification 45 → 20).
 */
const touched = { words: 0 }; // where the prefetch loops leave their loads, so none is dropped

/** Loads words[base ^ keys[k]] for every k (the group bitmaps a pass will test). */
function touchAll(words: Uint32Array, keys: Uint32Array, base: number): void {
  let t = 0;
  for (let k = 0; k < keys.length; k++) t |= words[base ^ keys[k]];
  touched.words ^= t;
}

/** Loads words[at[k] * stride] for k < count (bucket entries, candidate hashes). */
function touchEach(words: Uint32Array, at: Uint32Array, count: number, stride: number): void {
  let t = 0;
  for (let k = 0; k < count; k++) t |= words[at[k] * stride];
  touched.words ^= t;
}

/** Scratch space reused by every search in this thread (JavaScript runs one search at a time). */
let groupHits = new Uint32Array(1 << 12);
let wanted = new Uint32Array(1 << 12);
let ends = new Uint32Array(1 << 12);
let candidates = new Uint32Array(1 << 14);

/**
 * Pass 1: reads the bitmap word of every probed group and keeps, for each group with a wanted
 * non-empty bucket, the group and the wanted buckets' bits; returns how many. Most probes end
 * here: a bitmap word answers for 32 buckets and the bitmaps are small enough to stay cached.
 */
function groupsOf(bitmaps: Uint32Array, qv: number, probes: GroupProbes): number {
  const { masks, rest } = probes;
  if (groupHits.length < masks.length) {
    [groupHits, wanted] = [new Uint32Array(masks.length), new Uint32Array(masks.length)];
    ends = new Uint32Array(masks.length);
  }
  const qGroup = qv >>> 5;
  const qLow = qv & 31;
  touchAll(bitmaps, masks, qGroup);
  let found = 0;
  for (let m = 0; m < masks.length; m++) {
    const g = qGroup ^ masks[m];
    const hits = bitmaps[g] & LOW_BALLS[(rest[m] << 5) | qLow];
    if (hits === 0) continue;
    groupHits[found] = g;
    wanted[found] = hits;
    found++;
  }
  return found;
}

/** Pass 2: the entry range of each group found (independent loads, many in flight). */
function rangesOf(starts: Uint32Array, found: number): number {
  let room = 0;
  for (let f = 0; f < found; f++) {
    const g = groupHits[f];
    const begin = starts[g];
    const end = starts[g + 1];
    groupHits[f] = begin;
    ends[f] = end;
    room += end - begin;
  }
  return room;
}

/**
 * Pass 3: the positions in the wanted buckets of the groups found, into `candidates`; returns
 * how many. A group's entries are in bucket order, each tagged with its bucket's bit.
 */
function gather(entries: Uint32Array, found: number, room: number): number {
  if (candidates.length < room) candidates = new Uint32Array(room * 2);
  touchEach(entries, groupHits, found, 1); // groupHits holds each group's first entry now
  let c = 0;
  for (let f = 0; f < found; f++) {
    const hits = wanted[f];
    const end = ends[f];
    for (let k = groupHits[f]; k < end; k++) {
      const e = entries[k];
      if (((hits >>> (e >>> POSITION_BITS)) & 1) !== 0) candidates[c++] = e & POSITION_MASK;
    }
  }
  return c;
}

/**
 * Every live entry of `base` within `d` of packed query `q`, by probing per `plan`. Each slot
 * runs in three passes (bitmaps, bucket contents, verification) rather than one nested loop:
 * the loads of each pass are independent of one another, so the processor keeps many cache
 * misses in flight instead of waiting for each in turn.
 */
export function probeBase(
  base: MihBase,
  q: Uint32Array,
  d: number,
  plan: Int8Array,
  sink: MatchSink,
): void {
  const { starts: slotStarts, widths } = base.layout;
  const hashes = base.hashes;
  for (let i = 0; i < widths.length; i++) {
    if (plan[i] < 0) continue;
    const probes = groupProbes(widths[i], plan[i]);
    const qv = slotValue(q, 0, slotStarts[i], widths[i]);
    const found = groupsOf(base.bitmaps[i], qv, probes);
    const total = gather(base.entries[i], found, rangesOf(base.groupStarts[i], found));
    touchEach(hashes, candidates, total, PACKED_WORDS);
    for (let c = 0; c < total; c++) {
      const p = candidates[c];
      const distance = packedDistanceWithin(q, hashes, p * PACKED_WORDS, d);
      if (distance > d || isDead(base, p) || foundEarlier(base, q, p, i, plan)) continue;
      sink(base.ids[p], distance, 0);
    }
  }
}

/** Smallest distance of position p to any variant, and the first variant reaching it. */
function nearestVariant(qs: readonly Uint32Array[], hashes: Uint32Array, p: number): number[] {
  let best = 0;
  let bestDistance = 257;
  for (let v = 0; v < qs.length; v++) {
    const distance = packedDistanceWithin(qs[v], hashes, p * PACKED_WORDS, 256);
    if (distance < bestDistance) [best, bestDistance] = [v, distance];
  }
  return [bestDistance, best];
}

/** True when variant v is not the first (variant, slot) pair that finds position p. */
function foundByEarlierVariant(
  base: MihBase,
  qs: readonly Uint32Array[],
  v: number,
  p: number,
  d: number,
): boolean {
  for (let u = 0; u < v; u++) {
    if (packedDistanceWithin(qs[u], base.hashes, p * PACKED_WORDS, d) <= d) return true;
  }
  return false;
}

/** Every live entry within `d` of any packed variant in `qs`, with its nearest variant. */
export function probeBaseAny(
  base: MihBase,
  qs: readonly Uint32Array[],
  d: number,
  plan: Int8Array,
  sink: MatchSink,
): void {
  for (let v = 0; v < qs.length; v++) {
    probeBase(base, qs[v], d, plan, (id, _distance, _variant) => {
      const p = positionOfLive(base, id);
      if (foundByEarlierVariant(base, qs, v, p, d)) return;
      const [distance, variant] = nearestVariant(qs, base.hashes, p);
      sink(id, distance, variant);
    });
  }
}

function positionOfLive(base: MihBase, id: number): number {
  let lo = 0;
  let hi = base.count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (base.ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Linear scan of `count` packed hashes: each live one within `d` of any of `qs`. */
export function scanPacked(
  hashes: Uint32Array,
  ids: Uint32Array,
  count: number,
  live: (p: number) => boolean,
  qs: readonly Uint32Array[],
  d: number,
  sink: MatchSink,
): void {
  for (let p = 0; p < count; p++) {
    let best = -1;
    let bestDistance = d + 1;
    for (let v = 0; v < qs.length; v++) {
      const distance = packedDistanceWithin(qs[v], hashes, p * PACKED_WORDS, d);
      if (distance < bestDistance) [best, bestDistance] = [v, distance];
    }
    if (best >= 0 && live(p)) sink(ids[p], bestDistance, best);
  }
}

/** Searches `base` for any of `qs` (one query when length 1) per `plan` (null: scan). */
export function searchBase(
  base: MihBase,
  qs: readonly Uint32Array[],
  d: number,
  plan: SearchPlan,
  sink: MatchSink,
): void {
  if (base.count === 0) return;
  if (plan === null) {
    const live = (p: number): boolean => !isDead(base, p);
    scanPacked(base.hashes, base.ids, base.count, live, qs, d, sink);
  } else if (qs.length === 1) probeBase(base, qs[0], d, plan, sink);
  else probeBaseAny(base, qs, d, plan, sink);
}
