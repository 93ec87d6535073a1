// Verdict rules: each jurisdiction's category for representative facts, and the careful cases
// (unknown age, 16-17, drawn or computer-generated, nothing sexual shown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FACTS_SCHEMA, type FactsInput } from './facts.js';
import { deriveVerdicts, VERDICT_RULES_VERSION } from './verdict-rules.js';

const v = (facts: FactsInput) => {
  const out = deriveVerdicts(FACTS_SCHEMA.parse(facts)).byJurisdiction;
  return Object.fromEntries(
    Object.entries(out).map(([j, x]) => [j, x.category ? `${x.outcome}:${x.category}` : x.outcome]),
  );
};

test('a real prepubescent child in penetrative activity: CSAM everywhere, top categories', () => {
  assert.deepEqual(v({ ageBand: '3-6', shown: ['penetrative'], origin: 'real' }), {
    vn: 'csam',
    interpol: 'csam:baseline',
    ncmec: 'csam:A1',
    uk: 'csam:A',
  });
});

test('a pubescent 14-15 year old posing: B2 and UK C; outside the INTERPOL baseline', () => {
  const facts: FactsInput = {
    ageBand: '14-15',
    pubertalStage: 'pubescent',
    shown: ['sexual_posing'],
  };
  assert.deepEqual(v(facts), { vn: 'csam', interpol: 'not_csam', ncmec: 'csam:B2', uk: 'csam:C' });
});

test('16-17: not a child in Vietnam (under 16), a child for NCMEC and the UK', () => {
  const facts: FactsInput = { ageBand: '16-17', shown: ['non_penetrative_sexual_activity'] };
  assert.deepEqual(v(facts), {
    vn: 'not_csam',
    interpol: 'not_csam',
    ncmec: 'csam:B1',
    uk: 'csam:B',
  });
});

test('unknown age: undetermined unless the body shows a child', () => {
  assert.deepEqual(v({ shown: ['penetrative'] }), {
    vn: 'undetermined',
    interpol: 'undetermined',
    ncmec: 'undetermined',
    uk: 'undetermined',
  });
  assert.deepEqual(v({ pubertalStage: 'prepubescent', shown: ['penetrative'] }), {
    vn: 'csam',
    interpol: 'csam:baseline',
    ncmec: 'csam:A1',
    uk: 'csam:A',
  });
});

test('drawn and computer-generated depictions are not decided where the law needs more', () => {
  const drawn: FactsInput = { ageBand: '7-10', shown: ['penetrative'], origin: 'drawn' };
  assert.deepEqual(v(drawn), {
    vn: 'undetermined',
    interpol: 'not_csam',
    ncmec: 'undetermined',
    uk: 'undetermined',
  });
  const cg: FactsInput = {
    ageBand: '7-10',
    shown: ['sadism_or_bestiality'],
    origin: 'computer_generated',
  };
  assert.deepEqual(v(cg), {
    vn: 'undetermined',
    interpol: 'not_csam',
    ncmec: 'csam:A1',
    uk: 'csam:A',
  });
});

test('nothing sexual shown, or nothing recorded', () => {
  assert.deepEqual(v({ ageBand: '7-10', shown: ['other'] }), {
    vn: 'not_csam',
    interpol: 'not_csam',
    ncmec: 'not_csam',
    uk: 'undetermined',
  });
  assert.ok(Object.values(v({ ageBand: '7-10' })).every((x) => x === 'undetermined'));
});

test('each answer carries the rule-set version', () => {
  const out = deriveVerdicts(FACTS_SCHEMA.parse({}));
  assert.equal(out.ruleSetVersion, VERDICT_RULES_VERSION);
  assert.deepEqual(Object.keys(out.byJurisdiction), ['vn', 'interpol', 'ncmec', 'uk']);
});
