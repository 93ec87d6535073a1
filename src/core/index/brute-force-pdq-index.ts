/**
 * BruteForcePdqIndex: the oracle. Every search compares the query with every live hash, so it is
 * obviously exact; the shared test suite checks every other PdqIndex against it. It is also a
 * usable index for small banks (under about 100k hashes a scan costs well under a millisecond).
 */
import { pdqDistance, type PdqHash } from '../pdq/pdq-hash.js';
import { checkId, checkMaxDistance, checkPdqHash, checkVariants } from './index-arguments.js';
import type { DihedralMatch, PdqIndex, RangeMatch } from './signal-index.js';

export class BruteForcePdqIndex implements PdqIndex {
  private readonly entries = new Map<number, PdqHash>();

  get size(): number {
    return this.entries.size;
  }

  /** Adds (or replaces) `id`; keeps its own copy of the hash. */
  add(id: number, hash: PdqHash): void {
    checkId(id);
    checkPdqHash(hash);
    this.entries.set(id, Uint16Array.from(hash));
  }

  remove(id: number): boolean {
    return this.entries.delete(id);
  }

  /** Matches in ascending id order. */
  search(query: PdqHash, maxDistance: number): RangeMatch[] {
    checkPdqHash(query);
    checkMaxDistance(maxDistance);
    const out: RangeMatch[] = [];
    for (const [id, hash] of this.entries) {
      const distance = pdqDistance(query, hash);
      if (distance <= maxDistance) out.push({ id, distance });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** Matches in ascending id order; ties between variants go to the lowest variant number. */
  searchAny(variants: readonly PdqHash[], maxDistance: number): DihedralMatch[] {
    checkVariants(variants);
    checkMaxDistance(maxDistance);
    const out: DihedralMatch[] = [];
    for (const [id, hash] of this.entries) {
      let best = -1;
      let bestDistance = Infinity;
      for (let v = 0; v < variants.length; v++) {
        const distance = pdqDistance(variants[v], hash);
        if (distance < bestDistance) [best, bestDistance] = [v, distance];
      }
      if (bestDistance <= maxDistance) out.push({ id, distance: bestDistance, variant: best });
    }
    return out.sort((a, b) => a.id - b.id);
  }
}
