/**
 * The search kernels over a MihBase, shared by the index and the worker threads: multi-index
 * probing for one query or for up to 8 dihedral variants at once, and the linear scan used when
 * the plan says it is cheaper (large radii). Candidates are not deduplicated with a visited set:
 * unrelated hashes rarely turn up twice, and a true match is reported only from the first slot
 * (and first variant) that can find it, which is checked on the match alone.
 */
import { popcount32 } from '../pdq/pdq-hash.js';
import { isDead, type MihBase } from './mih-base.js';
import { PACKED_WORDS, packedDistanceWithin } from './packed-hash.js';
import { probeMasks } from './probe-masks.js';
import type { SearchPlan } from './search-plan.js';
import { slotValue } from './slot-layout.js';

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

/** Every live entry of `base` within `d` of packed query `q`, by probing per `plan`. */
export function probeBase(
  base: MihBase,
  q: Uint32Array,
  d: number,
  plan: Int8Array,
  sink: MatchSink,
): void {
  const { starts, widths } = base.layout;
  const hashes = base.hashes;
  for (let i = 0; i < widths.length; i++) {
    if (plan[i] < 0) continue;
    const masks = probeMasks(widths[i], plan[i]);
    const offsets = base.offsets[i];
    const entries = base.entries[i];
    const qv = slotValue(q, 0, starts[i], widths[i]);
    for (let m = 0; m < masks.length; m++) {
      const v = qv ^ masks[m];
      const end = offsets[v + 1];
      for (let k = offsets[v]; k < end; k++) {
        const p = entries[k];
        const distance = packedDistanceWithin(q, hashes, p * PACKED_WORDS, d);
        if (distance > d || isDead(base, p) || foundEarlier(base, q, p, i, plan)) continue;
        sink(base.ids[p], distance, 0);
      }
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
