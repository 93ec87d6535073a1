/**
 * The shared test suite every PdqIndex runs (STYLE.md §5): a factory builds an index holding
 * given entries, and every answer is compared with BruteForcePdqIndex, the oracle, on random and
 * clustered data, at distances exactly 0, 30, 31, 32 and 63, on empty indexes, duplicates,
 * re-added ids, removes of missing ids, dihedral queries and interleaved live writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKhienError } from '../../errors/index.js';
import type { PdqHash } from '../pdq/pdq-hash.js';
import { BruteForcePdqIndex } from './brute-force-pdq-index.js';
import type { PdqIndex } from './signal-index.js';

/** Builds an index holding `entries` (added in order, so a repeated id keeps its last hash). */
export type PdqIndexFactory = (entries: ReadonlyArray<readonly [number, PdqHash]>) => PdqIndex;

/** Seeded 32-bit generator (mulberry32) so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export function randomHash(next: () => number): PdqHash {
  return Uint16Array.from({ length: 16 }, () => next() & 0xffff);
}

/** A copy of `hash` with exactly `bits` distinct bits flipped. */
export function flipped(hash: PdqHash, bits: number, next: () => number): PdqHash {
  const out = Uint16Array.from(hash);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() & 255);
  for (const bit of chosen) out[bit >>> 4] ^= 1 << (bit & 15);
  return out;
}

/** `n` random entries; clustered: a third are near-duplicates (0–40 bits) of earlier ones. */
export function makeEntries(n: number, seed: number, clustered: boolean): Array<[number, PdqHash]> {
  const next = seededRandom(seed);
  const out: Array<[number, PdqHash]> = [];
  for (let i = 0; i < n; i++) {
    const near = clustered && i > 0 && next() % 3 === 0;
    const hash = near ? flipped(out[next() % i][1], next() % 41, next) : randomHash(next);
    out.push([(i * 7919 + 13) >>> 0, hash]);
  }
  return out;
}

function oracle(entries: ReadonlyArray<readonly [number, PdqHash]>): BruteForcePdqIndex {
  const index = new BruteForcePdqIndex();
  for (const [id, hash] of entries) index.add(id, hash);
  return index;
}

function sameSearch(a: PdqIndex, b: PdqIndex, q: PdqHash, d: number): void {
  const byId = (x: { id: number }, y: { id: number }): number => x.id - y.id;
  assert.deepEqual(a.search(q, d).sort(byId), b.search(q, d).sort(byId), `distance ${d}`);
}

/** Queries with planted neighbours at exactly 0, 30, 31, 32 and 63 bits, plus random ones. */
function plantedQueries(entries: Array<[number, PdqHash]>, seed: number): PdqHash[] {
  const next = seededRandom(seed);
  const out: PdqHash[] = [];
  for (const bits of [0, 1, 15, 16, 29, 30, 31, 32, 33, 47, 48, 62, 63, 64]) {
    for (let k = 0; k < 4; k++) {
      const query = flipped(entries[next() % entries.length][1], bits, next);
      out.push(query);
    }
  }
  for (let k = 0; k < 10; k++) out.push(randomHash(next));
  return out;
}

/** Registers the suite's tests for one implementation. */
export function runPdqIndexSuite(name: string, factory: PdqIndexFactory): void {
  const distances = [0, 1, 15, 16, 30, 31, 32, 47, 48, 63];

  test(`${name}: empty index answers nothing`, () => {
    const index = factory([]);
    const q = randomHash(seededRandom(1));
    assert.equal(index.size, 0);
    assert.deepEqual(index.search(q, 63), []);
    assert.deepEqual(index.searchAny([q, q], 31), []);
    assert.equal(index.remove(5), false);
  });

  for (const clustered of [false, true]) {
    const kind = clustered ? 'clustered' : 'random';
    test(`${name}: equals brute force on ${kind} data at d = ${distances.join(', ')}`, () => {
      const entries = makeEntries(3000, clustered ? 2 : 3, clustered);
      const index = factory(entries);
      const truth = oracle(entries);
      assert.equal(index.size, truth.size);
      for (const q of plantedQueries(entries, 4)) {
        for (const d of distances) sameSearch(index, truth, q, d);
      }
    });
  }

  test(`${name}: exact distances 0, 30, 31, 32 and 63 are in or out as they should be`, () => {
    const next = seededRandom(9);
    const centre = randomHash(next);
    const entries: Array<[number, PdqHash]> = [0, 30, 31, 32, 63].map((bits) => [
      bits,
      flipped(centre, bits, next),
    ]);
    const index = factory(entries);
    const ids = (d: number): number[] =>
      index
        .search(centre, d)
        .map((m) => m.id)
        .sort((a, b) => a - b);
    assert.deepEqual(ids(0), [0]);
    assert.deepEqual(ids(30), [0, 30]);
    assert.deepEqual(ids(31), [0, 30, 31]);
    assert.deepEqual(ids(32), [0, 30, 31, 32]);
    assert.deepEqual(ids(62), [0, 30, 31, 32]);
    assert.deepEqual(ids(63), [0, 30, 31, 32, 63]);
    const at31 = index.search(centre, 31).find((m) => m.id === 31);
    assert.equal(at31?.distance, 31);
  });

  test(`${name}: duplicate hashes under different ids are all found`, () => {
    const hash = randomHash(seededRandom(11));
    const index = factory([
      [7, hash],
      [3, hash],
      [9, flipped(hash, 31, seededRandom(12))],
    ]);
    const found = index.search(hash, 31).sort((a, b) => a.id - b.id);
    assert.deepEqual(found, [
      { id: 3, distance: 0 },
      { id: 7, distance: 0 },
      { id: 9, distance: 31 },
    ]);
  });

  test(`${name}: re-adding an id replaces its hash; removes of missing ids are false`, () => {
    const next = seededRandom(13);
    const [a, b] = [randomHash(next), randomHash(next)];
    const index = factory([[1, a]]);
    index.add(1, b);
    assert.equal(index.size, 1);
    assert.deepEqual(index.search(a, 31), []);
    assert.deepEqual(index.search(b, 0), [{ id: 1, distance: 0 }]);
    assert.equal(index.remove(2), false);
    assert.equal(index.remove(1), true);
    assert.equal(index.remove(1), false);
    assert.deepEqual(index.search(b, 63), []);
    assert.equal(index.size, 0);
  });

  test(`${name}: dihedral queries report the nearest variant, as brute force does`, () => {
    const entries = makeEntries(2000, 14, true);
    const index = factory(entries);
    const truth = oracle(entries);
    const next = seededRandom(15);
    for (let k = 0; k < 30; k++) {
      const variants = Array.from({ length: 1 + (k % 8) }, () =>
        next() % 2 === 0
          ? flipped(entries[next() % entries.length][1], next() % 40, next)
          : randomHash(next),
      );
      for (const d of [0, 31, 63]) {
        const byId = (x: { id: number }, y: { id: number }): number => x.id - y.id;
        assert.deepEqual(
          index.searchAny(variants, d).sort(byId),
          truth.searchAny(variants, d).sort(byId),
        );
      }
    }
  });

  test(`${name}: interleaved adds, removes and re-adds stay equal to brute force`, () => {
    const entries = makeEntries(1500, 16, true);
    const index = factory(entries.slice(0, 1000));
    const truth = oracle(entries.slice(0, 1000));
    const next = seededRandom(17);
    for (let step = 0; step < 3000; step++) {
      const [id, hash] = entries[next() % entries.length];
      const op = next() % 4;
      if (op === 0) assert.equal(index.remove(id), truth.remove(id));
      else if (op === 1)
        [index, truth].forEach((x) => x.add(id, flipped(hash, step % 9, seededRandom(step))));
      else [index, truth].forEach((x) => x.add(id, hash));
      if (step % 100 === 0) {
        assert.equal(index.size, truth.size);
        sameSearch(index, truth, flipped(hash, 20, next), 31);
        sameSearch(index, truth, hash, 0);
      }
    }
    assert.equal(index.size, truth.size);
  });

  test(`${name}: bad arguments are refused with KHIEN_ERR_INVALID_ARGUMENT`, () => {
    const index = factory([]);
    const q = randomHash(seededRandom(18));
    const bad = (e: unknown): boolean => isKhienError(e, 'KHIEN_ERR_INVALID_ARGUMENT');
    assert.throws(() => index.search(q, 64), bad);
    assert.throws(() => index.search(q, -1), bad);
    assert.throws(() => index.search(q, 1.5), bad);
    assert.throws(() => index.search(new Uint16Array(15), 31), bad);
    assert.throws(() => index.searchAny([], 31), bad);
    assert.throws(
      () =>
        index.searchAny(
          Array.from({ length: 9 }, () => q),
          31,
        ),
      bad,
    );
    assert.throws(() => index.add(-1, q), bad);
    assert.throws(() => index.add(2 ** 32, q), bad);
  });
}
