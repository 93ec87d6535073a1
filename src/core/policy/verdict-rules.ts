/**
 * The verdict rule sets: pure functions from law-neutral facts to one verdict per jurisdiction.
 * docs/verdicts.md states each rule, its legal source and every assumption; change both
 * together and bump VERDICT_RULES_VERSION, which makes the service re-derive cached verdicts.
 */
import type { AgeBand, Facts } from './facts.js';
import type { Jurisdiction, JurisdictionVerdict, Verdicts } from './verdict.js';

/** Bumped on any change of the rules below; stored with every cached verdict. */
export const VERDICT_RULES_VERSION = '2026.1';

/** Three-valued answers about age: the facts say yes, say no, or cannot tell. */
type Tri = 'yes' | 'no' | 'unknown';

const UNDER_13: readonly AgeBand[] = ['0-2', '3-6', '7-10', '11-13'];
const UNDER_16: readonly AgeBand[] = [...UNDER_13, '14-15'];

/** Under 16 (Vietnam's child). A prepubescent person of unknown age is taken to be under 16. */
function under16(f: Facts): Tri {
  if (UNDER_16.includes(f.ageBand)) return 'yes';
  if (f.ageBand === '16-17') return 'no';
  return f.pubertalStage === 'prepubescent' ? 'yes' : 'unknown';
}

/** Under 18. Every band is a minor's; with no band, only a visible pre/pubescent body decides. */
function under18(f: Facts): Tri {
  if (f.ageBand !== 'unknown') return 'yes';
  return f.pubertalStage === 'prepubescent' || f.pubertalStage === 'pubescent' ? 'yes' : 'unknown';
}

/** Sexual activity, the "1" of the NCMEC scheme and the core of every definition. */
function sexualActivity(f: Facts): boolean {
  return f.shown.some(
    (k) =>
      k === 'penetrative' ||
      k === 'non_penetrative_sexual_activity' ||
      k === 'sadism_or_bestiality',
  );
}

function sexualContent(f: Facts): boolean {
  return sexualActivity(f) || f.shown.includes('sexual_posing');
}

/** `unknown` origin is treated as real: see docs/verdicts.md ("origin"). */
function photographic(f: Facts): boolean {
  return f.origin !== 'drawn';
}

const verdict = (
  outcome: JurisdictionVerdict['outcome'],
  category: string | null,
  reason: string,
): JurisdictionVerdict => ({ outcome, category, reason });

/** Vietnam: Law on Children 2016 art. 1 (a child is under 16); Penal Code 2015 arts. 147, 326. */
export function vietnamVerdict(f: Facts): JurisdictionVerdict {
  if (f.shown.length === 0) return verdict('undetermined', null, 'nothing recorded as shown');
  if (!sexualContent(f)) return verdict('not_csam', null, 'no sexual activity or posing shown');
  const age = under16(f);
  if (age === 'no') return verdict('not_csam', null, 'apparent age 16-17: not a child (under 16)');
  if (age === 'unknown') return verdict('undetermined', null, 'cannot tell whether under 16');
  if (f.origin === 'drawn' || f.origin === 'computer_generated') {
    return verdict('undetermined', null, `${f.origin} depiction: not expressly addressed`);
  }
  return verdict('csam', null, 'a child under 16 in sexual content');
}

/** INTERPOL baseline: real, apparently prepubescent (under about 13), sexual act or focus. */
export function interpolVerdict(f: Facts): JurisdictionVerdict {
  if (f.shown.length === 0) return verdict('undetermined', null, 'nothing recorded as shown');
  if (!sexualContent(f)) return verdict('not_csam', null, 'no sexual activity or focus shown');
  if (f.origin === 'drawn' || f.origin === 'computer_generated') {
    return verdict('not_csam', null, 'baseline covers real children only');
  }
  const young = f.pubertalStage === 'prepubescent' || UNDER_13.includes(f.ageBand);
  if (young) return verdict('csam', 'baseline', 'a real prepubescent child in sexual content');
  if (f.ageBand === 'unknown' && f.pubertalStage === 'unknown') {
    return verdict('undetermined', null, 'cannot tell whether prepubescent');
  }
  return verdict('not_csam', null, 'not prepubescent: outside baseline (national law may apply)');
}

/** NCMEC / industry scheme: A prepubescent, B pubescent; 1 sex act, 2 lascivious exhibition. */
export function ncmecVerdict(f: Facts): JurisdictionVerdict {
  if (f.shown.length === 0) return verdict('undetermined', null, 'nothing recorded as shown');
  if (!sexualContent(f)) return verdict('not_csam', null, 'no sex act or lascivious exhibition');
  if (f.origin === 'drawn') return verdict('undetermined', null, 'drawn: outside the scheme');
  const letter = ncmecLetter(f);
  if (letter === null) return verdict('undetermined', null, 'cannot tell whether a minor');
  const digit = sexualActivity(f) ? '1' : '2';
  const what = digit === '1' ? 'sex act' : 'lascivious exhibition';
  const who = letter === 'A' ? 'prepubescent' : 'pubescent';
  return verdict('csam', letter + digit, `${who} minor, ${what}`);
}

function ncmecLetter(f: Facts): 'A' | 'B' | null {
  if (f.pubertalStage === 'prepubescent') return 'A';
  if (f.pubertalStage === 'pubescent' || f.pubertalStage === 'postpubescent') {
    return under18(f) === 'yes' ? 'B' : null;
  }
  if (f.ageBand === 'unknown') return null;
  return ['0-2', '3-6', '7-10'].includes(f.ageBand) ? 'A' : 'B';
}

/** UK Sentencing Council categories for indecent images of children (under 18). */
export function ukVerdict(f: Facts): JurisdictionVerdict {
  if (f.shown.length === 0) return verdict('undetermined', null, 'nothing recorded as shown');
  const age = under18(f);
  if (age === 'unknown') return verdict('undetermined', null, 'cannot tell whether under 18');
  if (!photographic(f)) {
    return verdict('undetermined', null, 'drawn: a non-photographic image (CJA 2009 s.62 test)');
  }
  if (f.shown.includes('penetrative') || f.shown.includes('sadism_or_bestiality')) {
    return verdict('csam', 'A', 'penetrative activity, sadism or bestiality involving a child');
  }
  if (f.shown.includes('non_penetrative_sexual_activity')) {
    return verdict('csam', 'B', 'non-penetrative sexual activity involving a child');
  }
  if (f.shown.includes('sexual_posing')) {
    return verdict('csam', 'C', 'an indecent image of a child (posing or focus on genitals)');
  }
  return verdict('undetermined', null, 'indecency of other content is a question of fact');
}

const RULES: Readonly<Record<Jurisdiction, (f: Facts) => JurisdictionVerdict>> = {
  vn: vietnamVerdict,
  interpol: interpolVerdict,
  ncmec: ncmecVerdict,
  uk: ukVerdict,
};

/** Every jurisdiction's verdict for `facts`, stamped with the rule-set version. */
export function deriveVerdicts(facts: Facts): Verdicts {
  const byJurisdiction = {} as Record<Jurisdiction, JurisdictionVerdict>;
  for (const [j, rule] of Object.entries(RULES)) byJurisdiction[j as Jurisdiction] = rule(facts);
  return { ruleSetVersion: VERDICT_RULES_VERSION, byJurisdiction };
}
