import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLayout, planSearch } from './search-plan.js';
import { ballSize, spreadLayout } from './slot-layout.js';
import { probeMasks } from './probe-masks.js';

test('every plan satisfies the pigeonhole bound Σ(r_i + 1) > d', () => {
  for (const n of [1000, 1e6, 1e7]) {
    const { widths } = chooseLayout(n);
    for (let d = 0; d <= 63; d++) {
      const plan = planSearch(widths, n, d);
      if (plan === null) continue;
      const budget = [...plan].reduce((sum, r) => sum + r + 1, 0);
      assert.ok(budget >= d + 1, `n=${n} d=${d} plan=${plan.join(',')}`);
    }
  }
});

test('large radii on small banks scan; radius 31 on 10M probes 10 slots at 2 and one at 1', () => {
  assert.equal(planSearch(chooseLayout(3000).widths, 3000, 63), null);
  assert.deepEqual(
    [...planSearch(chooseLayout(1e7).widths, 1e7, 31)!].sort(),
    [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
  );
});

test('layouts: 11 slots of 23 bits at 10M, disjoint and inside 256 bits', () => {
  const layout = chooseLayout(1e7);
  assert.deepEqual(layout.widths, Array(11).fill(23));
  for (let i = 1; i < 11; i++) assert.ok(layout.starts[i] >= layout.starts[i - 1] + 23);
  assert.ok(layout.starts[10] + 23 <= 256);
  assert.deepEqual(
    spreadLayout(16, 16).starts,
    Array.from({ length: 16 }, (_, i) => 16 * i),
  );
});

test('probe masks enumerate each value within the radius exactly once', () => {
  assert.equal(ballSize(16, 1), 17);
  assert.equal(ballSize(16, 3), 697);
  const masks = probeMasks(12, 3);
  assert.equal(masks.length, ballSize(12, 3));
  assert.equal(new Set(masks).size, masks.length);
  for (const m of masks) assert.ok(m < 1 << 12 && popcount(m) <= 3);
  assert.equal(masks[0], 0);
});

function popcount(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}
