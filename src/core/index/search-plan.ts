/**
 * Picks, for one search radius d, the per-slot radii r_i of the multi-index (Σ(r_i + 1) ≥ d + 1,
 * r_i = -1 skips a slot) that minimise the expected work, or a linear scan when that is cheaper.
 * Expected work for slot i at radius r over n hashes: V(w_i, r) probes, each finding
 * n · 2^-w_i candidates on uniform data. The unit costs are nanoseconds measured on this
 * project's 2-core machine (independent random loads from a 1 GB array cost about 100 ns there,
 * dependent ones 450 ns): a probe is 1.7 misses on average (its offsets, then a non-empty
 * bucket), a candidate one (its 32-byte hash), a scan reads memory sequentially.
 */
import { MAX_SLOT_RADIUS, ballSize } from './slot-layout.js';

export const PROBE_COST_NS = 100;
export const CANDIDATE_COST_NS = 60;
export const SCAN_COST_NS = 8;

/** Per-slot radii, or null for a linear scan. */
export type SearchPlan = Int8Array | null;

function slotCost(width: number, radius: number, n: number): number {
  const probes = ballSize(width, radius);
  return probes * (PROBE_COST_NS + CANDIDATE_COST_NS * n * 2 ** -width);
}

/** Cheapest radii for distance `d` over slots of `widths` holding `n` hashes. */
export function planSearch(widths: readonly number[], n: number, d: number): SearchPlan {
  const need = d + 1;
  // best[b] = cheapest cost covering budget b with the slots seen so far; choice[i][b] = r_i.
  let best = new Float64Array(need + 1).fill(Infinity);
  best[0] = 0;
  const choice: Int8Array[] = [];
  for (let i = 0; i < widths.length; i++) {
    const next = new Float64Array(need + 1).fill(Infinity);
    const pick = new Int8Array(need + 1).fill(-1);
    for (let b = 0; b <= need; b++) {
      for (let r = -1; r <= MAX_SLOT_RADIUS; r++) {
        const from = Math.max(0, b - (r + 1));
        const cost = best[from] + (r < 0 ? 0 : slotCost(widths[i], r, n));
        if (cost < next[b]) [next[b], pick[b]] = [cost, r];
      }
    }
    choice.push(pick);
    best = next;
  }
  if (!(best[need] < n * SCAN_COST_NS)) return null;
  return backtrack(choice, widths.length, need);
}

function backtrack(choice: Int8Array[], slots: number, need: number): Int8Array {
  const radii = new Int8Array(slots);
  let b = need;
  for (let i = slots - 1; i >= 0; i--) {
    radii[i] = choice[i][b];
    b = Math.max(0, b - (radii[i] + 1));
  }
  return radii;
}
