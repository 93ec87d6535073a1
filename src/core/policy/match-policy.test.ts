// The match policy: per-bank distance, dihedral variants, hidden banks, allow-list suppression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMatchPolicy, type BankMatchPolicy, type CandidateHit } from './match-policy.js';

const banks = new Map<string, BankMatchPolicy>([
  ['wide', { kind: 'positive', pdqMaxDistance: 31, dihedral: true }],
  ['tight', { kind: 'positive', pdqMaxDistance: 10, dihedral: false }],
  ['allow', { kind: 'allow', pdqMaxDistance: 5, dihedral: true }],
]);
const hit = (signalId: number, bankId: string, distance: number, variant = 0): CandidateHit => ({
  signalId,
  bankId,
  distance,
  variant,
});

test('each bank applies its own distance and dihedral setting; unseen banks are dropped', () => {
  const out = applyMatchPolicy(
    [
      hit(1, 'wide', 31),
      hit(2, 'tight', 11),
      hit(3, 'tight', 10),
      hit(4, 'tight', 2, 5),
      hit(5, 'secret', 0),
    ],
    banks,
    true,
  );
  assert.deepEqual(
    out.kept.map((h) => h.signalId),
    [1, 3],
  );
  assert.deepEqual([out.allowListed, out.suppressed], [false, 0]);
});

test('an allow-list hit within its distance suppresses every positive hit', () => {
  const out = applyMatchPolicy(
    [hit(1, 'wide', 3), hit(2, 'tight', 4), hit(9, 'allow', 5)],
    banks,
    true,
  );
  assert.deepEqual([out.kept, out.allowListed, out.suppressed], [[], true, 2]);
  const far = applyMatchPolicy([hit(1, 'wide', 3), hit(9, 'allow', 6)], banks, true);
  assert.deepEqual([far.kept.length, far.allowListed], [1, false]);
});

test('digest hits ignore PDQ distances', () => {
  const out = applyMatchPolicy([hit(1, 'tight', 0)], banks, false);
  assert.equal(out.kept.length, 1);
});
