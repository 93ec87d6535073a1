/**
 * The shape of a verdict: what one jurisdiction's rules say about an entry's facts. Verdicts
 * are derived, never entered; each answer carries the rule-set version that produced it.
 */

/** The jurisdictions Khiên derives verdicts for. */
export const JURISDICTIONS = ['vn', 'interpol', 'ncmec', 'uk'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/**
 * `csam`: the jurisdiction's classification puts the media in its child-abuse category;
 * `not_csam`: it does not (other offences may still apply; docs/verdicts.md says which);
 * `undetermined`: the facts are not enough to decide (typically an unknown age or origin).
 */
export type VerdictOutcome = 'csam' | 'not_csam' | 'undetermined';

/** One jurisdiction's verdict. */
export interface JurisdictionVerdict {
  readonly outcome: VerdictOutcome;
  /** The jurisdiction's own category (NCMEC `A1`, UK `A`, …) or null when it has none. */
  readonly category: string | null;
  /** Why, in one sentence naming the facts that decided it. */
  readonly reason: string;
}

/** Every jurisdiction's verdict, with the rule-set version that derived them. */
export interface Verdicts {
  readonly ruleSetVersion: string;
  readonly byJurisdiction: Readonly<Record<Jurisdiction, JurisdictionVerdict>>;
}
