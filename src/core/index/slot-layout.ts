/**
 * How the multi-index splits a 256-bit hash into slots, and how a search radius is spread over
 * the slots. Follows Norouzi et al. 2014 (multi-index hashing; reference: ThreatExchange
 * pdq/cpp/index/mih.h, 16 slots × 16 bits): if a hash lies within distance d of the query and
 * slot i may differ by at most r_i bits, then Σ(r_i + 1) > d guarantees (pigeonhole) that some
 * slot i differs by ≤ r_i bits, so probing every slot value within r_i of the query's finds it.
 * Unlike the reference, the radii need not be equal and slots may be skipped (r_i = -1): a
 * small dynamic programme picks the cheapest radii for each d under a cost model of probes and
 * candidates (see planRadii). The layout is chosen by measurement; see chooseSlotWidths.
 */
import { PDQ_BITS } from '../pdq/pdq-hash.js';

/** Widest slot: a slot of w bits costs a 2^w + 1 entry offset table (2^24 → 64 MiB). */
export const MAX_SLOT_WIDTH = 24;

/** Largest per-slot radius planned (V(24, 5) = 55,455 probe masks). */
export const MAX_SLOT_RADIUS = 5;

/** The slots: slot i covers bits [starts[i], starts[i] + widths[i]) of the packed hash. */
export interface SlotLayout {
  readonly widths: readonly number[];
  readonly starts: readonly number[];
}

/** A layout of `count` slots as even as 256 bits allow (wider slots first). */
export function evenLayout(count: number): SlotLayout {
  const widths: number[] = [];
  const starts: number[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const width = Math.floor(PDQ_BITS / count) + (i < PDQ_BITS % count ? 1 : 0);
    widths.push(width);
    starts.push(start);
    start += width;
  }
  return { widths, starts };
}

/**
 * The slot count for an index of `n` hashes. Measured with bench/index-layouts.ts at 10M
 * uniform hashes, radius 31, one thread (docs/index.md has the table): 16×16 bits gives about
 * 41k candidates per query, 12 slots of 21–22 bits about 7k, 11 slots of 23–24 bits about 3k
 * and is the fastest layout within the 128 bytes/hash budget. Smaller banks use narrower
 * slots so the 2^w offset tables stay small next to the entries (about log2(n) + 1 bits).
 */
export function chooseSlotCount(n: number): number {
  const bits = Math.max(16, Math.min(MAX_SLOT_WIDTH, Math.ceil(Math.log2(Math.max(n, 1))) + 1));
  return Math.ceil(PDQ_BITS / bits);
}

/** Number of w-bit values within Hamming distance r of a value: Σ_{k≤r} C(w, k). */
export function ballSize(w: number, r: number): number {
  let total = 0;
  let c = 1;
  for (let k = 0; k <= r; k++) {
    total += c;
    c = (c * (w - k)) / (k + 1);
  }
  return total;
}

/** Reads slot bits [start, start + width) of the packed hash at word offset `at`. */
export function slotValue(words: Uint32Array, at: number, start: number, width: number): number {
  const j = at + (start >>> 5);
  const shift = start & 31;
  let v = words[j] >>> shift;
  if (shift + width > 32) v |= words[j + 1] << (32 - shift);
  return (v & ((1 << width) - 1)) >>> 0;
}
