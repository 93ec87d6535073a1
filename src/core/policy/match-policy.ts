/**
 * The match policy: from raw index hits for one query, the matches a caller is shown. A hit
 * counts only within its bank's PDQ distance, and a rotated/flipped variant only where the bank
 * allows dihedral matching. A hit in an allow-list bank suppresses every positive hit of the
 * same query (the reference HMA treats allow-list matches the same way: the content is known
 * benign, so nothing about it is reported).
 */

export interface CandidateHit {
  readonly signalId: number;
  readonly bankId: string;
  readonly distance: number;
  readonly variant: number;
}

export interface BankMatchPolicy {
  readonly kind: 'positive' | 'allow';
  readonly pdqMaxDistance: number;
  readonly dihedral: boolean;
}

export interface PolicyOutcome<H extends CandidateHit> {
  readonly kept: H[];
  readonly allowListed: boolean;
  readonly suppressed: number;
}

/**
 * Applies bank policies to one query's hits. `pdq` says whether distances are PDQ distances
 * (digest hits are exact and always distance 0). Hits of banks missing from `banks` (not visible
 * to the caller) are dropped.
 */
export function applyMatchPolicy<H extends CandidateHit>(
  hits: readonly H[],
  banks: ReadonlyMap<string, BankMatchPolicy>,
  pdq: boolean,
): PolicyOutcome<H> {
  const within = hits.filter((h) => {
    const bank = banks.get(h.bankId);
    if (bank === undefined) return false;
    if (h.variant !== 0 && !bank.dihedral) return false;
    return !pdq || h.distance <= bank.pdqMaxDistance;
  });

  const allowListed = within.some((h) => banks.get(h.bankId)!.kind === 'allow');
  const positives = within.filter((h) => banks.get(h.bankId)!.kind === 'positive');
  if (allowListed) return { kept: [], allowListed, suppressed: positives.length };
  return { kept: positives, allowListed, suppressed: 0 };
}
