/**
 * Picks, for one search radius d, the per-slot radii r_i of the multi-index (Σ(r_i + 1) ≥ d + 1,
 * r_i = -1 skips a slot) that minimise the expected work, or a linear scan when that is cheaper;
 * and, through the same estimate, the slot layout for a bank size. Expected work for slot i of
 * w bits at radius r over n uniform hashes (mih-base.ts has the table layout):
 *   V(w − 5, r) bitmap words read, one per probed group of 32 buckets;
 *   V(w, r) · (1 − e^(−n/2^w)) non-empty buckets, each a group start and an entry read;
 *   V(w, r) · n / 2^w candidates, each a 32-byte hash read and compared.
 * The unit costs are nanoseconds measured on this project's 2-core machine: random reads cost
 * about 3 ns within 8 MiB (the bitmaps of a 1M bank mostly stay cached) and 20–30 ns with many
 * in flight beyond it; a scan compares a hash in about 15 ns.
 */
import { MAX_SLOT_RADIUS, ballSize, spreadLayout, type SlotLayout } from './slot-layout.js';

export const GROUP_COST_NS = 8;
export const BUCKET_COST_NS = 50;
export const CANDIDATE_COST_NS = 30;
export const SCAN_COST_NS = 15;

/** Per-slot radii, or null for a linear scan. */
export type SearchPlan = Int8Array | null;

function slotCost(width: number, radius: number, n: number): number {
  const probes = ballSize(width, radius);
  const perBucket = n * 2 ** -width;
  const full = probes * -Math.expm1(-perBucket);
  return (
    ballSize(width - 5, radius) * GROUP_COST_NS +
    full * BUCKET_COST_NS +
    probes * perBucket * CANDIDATE_COST_NS
  );
}

/** The plan's estimated cost in ns (a scan's when the plan is null). */
export function planCost(widths: readonly number[], n: number, plan: SearchPlan): number {
  if (plan === null) return n * SCAN_COST_NS;
  return widths.reduce((sum, w, i) => sum + (plan[i] < 0 ? 0 : slotCost(w, plan[i], n)), 0);
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

/** Radius the layout is chosen for: the default PDQ match distance. */
const LAYOUT_RADIUS = 31;

/**
 * The layout for an index of `n` hashes: of 11 to 16 slots, each as wide as 256 bits allow (at
 * most 23) but at most 3 bits wider than log2 n (so the bitmaps stay near n / 4 bytes a slot),
 * the one whose plan at radius 31 the cost model finds cheapest. At 1M and 10M that is 11 slots
 * of 23 bits (docs/index.md has the measurements); small banks take more, narrower slots.
 */
export function chooseLayout(n: number): SlotLayout {
  const cap = Math.max(16, Math.ceil(Math.log2(Math.max(n, 2))) + 3);
  let best: SlotLayout | null = null;
  let bestCost = Infinity;
  for (let slots = 11; slots <= 16; slots++) {
    const layout = spreadLayout(slots, Math.min(23, cap));
    const cost = planCost(layout.widths, n, planSearch(layout.widths, n, LAYOUT_RADIUS));
    if (cost < bestCost) [best, bestCost] = [layout, cost];
  }
  return best!;
}
