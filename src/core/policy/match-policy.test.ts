// The match policy: per-bank distance, dihedral variants, hidden banks, allow-list suppression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyMatchPolicy,
  suppressAcrossMedia,
  type BankMatchPolicy,
  type CandidateHit,
} from './match-policy.js';

const banks = new Map<string, BankMatchPolicy>([
  ['wide', { kind: 'positive', pdqMaxDistance: 31, minQuality: 50, dihedral: true }],
  ['tight', { kind: 'positive', pdqMaxDistance: 10, minQuality: 80, dihedral: false }],
  ['allow', { kind: 'allow', pdqMaxDistance: 5, minQuality: 50, dihedral: true }],
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

test("a PDQ query below a bank's minimum quality is not matched there; unknown quality is", () => {
  const hits = [hit(1, 'wide', 3), hit(2, 'tight', 4)];
  const q = (quality: number | null) => {
    const out = applyMatchPolicy(hits, banks, true, quality);
    return [out.kept.map((h) => h.signalId), out.lowQuality];
  };
  assert.deepEqual(q(null), [[1, 2], false]);
  assert.deepEqual(q(80), [[1, 2], false]);
  assert.deepEqual(q(79), [[1], true]);
  assert.deepEqual(q(49), [[], true]);
  assert.deepEqual(q(0), [[], true]);
  // Quality is a PDQ notion: digest queries are exact file matches and always count.
  assert.deepEqual(applyMatchPolicy(hits, banks, false, 0).kept.length, 2);
  // Said of the query, whether or not anything lay near it; never of a digest query.
  assert.equal(applyMatchPolicy([], banks, true, 0).lowQuality, true);
  assert.equal(applyMatchPolicy([], banks, true, 80).lowQuality, false);
  assert.equal(applyMatchPolicy([], banks, false, 0).lowQuality, false);
});

test('for one piece of media an allow-list hit on one signal suppresses the others', () => {
  const pdq = applyMatchPolicy([hit(1, 'wide', 3), hit(9, 'allow', 2)], banks, true);
  const md5 = applyMatchPolicy([hit(4, 'wide', 0), hit(5, 'tight', 0)], banks, false);
  const none = applyMatchPolicy([], banks, false);
  const out = suppressAcrossMedia([pdq, md5, none]);
  assert.deepEqual(
    out.map((o) => [o.kept.length, o.allowListed, o.suppressed]),
    [
      [0, true, 1],
      [0, true, 2],
      [0, true, 0],
    ],
  );
  const plain = suppressAcrossMedia([md5, none]);
  assert.deepEqual(plain, [md5, none]);
});
