/**
 * The match policy: from raw index hits for one query, the matches a caller is shown. A hit
 * counts only within its bank's PDQ distance, and a rotated/flipped variant only where the bank
 * allows dihedral matching. A PDQ query whose quality is known and below a bank's minimum is
 * not matched against that bank: a flat or nearly flat picture hashes to a near-constant value
 * that lies close to other such pictures, so its hits say nothing (the bank refuses such hashes
 * on entry for the same reason). A hit in an allow-list bank suppresses every positive hit of
 * the same query (the reference HMA treats allow-list matches the same way: the content is
 * known benign, so nothing about it is reported).
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
  readonly minQuality: number;
  readonly dihedral: boolean;
}

export interface PolicyOutcome<H extends CandidateHit> {
  readonly kept: H[];
  readonly allowListed: boolean;
  readonly suppressed: number;
  /** The query's PDQ quality is below the minimum of a bank the caller may match. */
  readonly lowQuality: boolean;
}

/**
 * Applies bank policies to one query's hits. `pdq` says whether distances are PDQ distances
 * (digest hits are exact and always distance 0); `quality` is a PDQ query's quality when known
 * (computed from an upload, or sent with the hash), else null. Hits of banks missing from
 * `banks` (not visible to the caller) are dropped.
 */
export function applyMatchPolicy<H extends CandidateHit>(
  hits: readonly H[],
  banks: ReadonlyMap<string, BankMatchPolicy>,
  pdq: boolean,
  quality: number | null = null,
): PolicyOutcome<H> {
  const tooLow = (bank: BankMatchPolicy) => pdq && quality !== null && quality < bank.minQuality;
  // Said of the query, hits or not: the caller learns that some banks were not searched.
  const lowQuality = [...banks.values()].some(tooLow);
  const within = hits.filter((h) => {
    const bank = banks.get(h.bankId);
    if (bank === undefined) return false;
    if (h.variant !== 0 && !bank.dihedral) return false;
    if (!pdq) return true;
    return h.distance <= bank.pdqMaxDistance && !tooLow(bank);
  });

  const allowListed = within.some((h) => banks.get(h.bankId)!.kind === 'allow');
  const positives = within.filter((h) => banks.get(h.bankId)!.kind === 'positive');
  if (allowListed) return { kept: [], allowListed, suppressed: positives.length, lowQuality };
  return { kept: positives, allowListed, suppressed: 0, lowQuality };
}

/**
 * One piece of media queried by several signals (an upload's PDQ and digests): an allow-list
 * hit on any of them suppresses the positive hits of all, since they describe the same file.
 */
export function suppressAcrossMedia<H extends CandidateHit>(
  outcomes: readonly PolicyOutcome<H>[],
): PolicyOutcome<H>[] {
  if (!outcomes.some((o) => o.allowListed)) return [...outcomes];
  return outcomes.map((o) => ({
    kept: [],
    allowListed: true,
    suppressed: o.suppressed + o.kept.length,
    lowQuality: o.lowQuality,
  }));
}
