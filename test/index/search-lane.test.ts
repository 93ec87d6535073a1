import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { BruteForcePdqIndex } from '../../src/core/index/brute-force-pdq-index.js';
import { MihPdqIndex } from '../../src/core/index/mih-pdq-index.js';
import {
  flipped,
  makeEntries,
  randomHash,
  seededRandom,
} from '../../src/core/index/pdq-index-suite.js';
import type { PdqHash } from '../../src/core/pdq/pdq-hash.js';
import { SearchLane } from '../../src/index-io/search-lane.js';

/** A compacted base of 4,000 clustered hashes, 300 more in the delta, 150 removed. */
function fixture(): { index: MihPdqIndex; truth: BruteForcePdqIndex; hashes: PdqHash[] } {
  const entries = makeEntries(4300, 61, true);
  const index = new MihPdqIndex({ deltaLimit: 1e9 });
  const truth = new BruteForcePdqIndex();
  for (const [id, hash] of entries.slice(0, 4000)) [index, truth].forEach((x) => x.add(id, hash));
  index.compact();
  for (const [id, hash] of entries.slice(4000)) [index, truth].forEach((x) => x.add(id, hash));
  for (const [id] of entries.slice(3900, 4050)) [index, truth].forEach((x) => x.remove(id));
  return { index, truth, hashes: entries.map(([, h]) => h) };
}

function queriesNear(hashes: PdqHash[], count: number, seed: number): PdqHash[][] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, (_, k) => {
    const near = flipped(hashes[next() % hashes.length], next() % 40, next);
    if (k % 4 === 0) return [randomHash(next), near, flipped(near, 5, next)];
    return [k % 4 === 1 ? randomHash(next) : near];
  });
}

test('searches on the worker equal brute force, base and delta, single and dihedral', async () => {
  const { index, truth, hashes } = fixture();
  const lane = new SearchLane(0);
  try {
    const queries = queriesNear(hashes, 200, 62);
    // Asked in one turn of the event loop: they travel together, grouped by shape.
    const answers = await Promise.all(queries.map((q) => lane.search(index, q, 31)));
    let found = 0;
    queries.forEach((q, i) => {
      assert.deepEqual(answers[i], truth.searchAny(q, 31), `query ${i}`);
      found += answers[i].length;
    });
    assert.ok(found > 100, `the queries should find matches, found ${found}`);
    for (const d of [0, 32, 63]) {
      assert.deepEqual(await lane.search(index, queries[2], d), truth.searchAny(queries[2], d));
    }
  } finally {
    await lane.close();
  }
});

test('a query sees the index as it was when asked, across a compaction that swaps the base', async () => {
  const { index, truth, hashes } = fixture();
  const lane = new SearchLane(0);
  try {
    const query = [flipped(hashes[4100], 3, seededRandom(63))];
    const expected = truth.searchAny(query, 31);
    assert.ok(expected.some((m) => m.id === makeEntries(4300, 61, true)[4100][0]));
    const asked = lane.search(index, query, 31);
    index.compact(); // the delta moves into a new base before the worker answers
    assert.deepEqual(await asked, expected);
    assert.deepEqual(await lane.search(index, query, 31), expected);

    const added = randomHash(seededRandom(64));
    index.add(999_999, added);
    assert.deepEqual(await lane.search(index, [added], 0), [
      { id: 999_999, distance: 0, variant: 0 },
    ]);
    index.remove(999_999);
    assert.deepEqual(await lane.search(index, [added], 0), []);
  } finally {
    await lane.close();
  }
});

test('when the worker dies, queries in flight and later ones are searched on this thread', async () => {
  const { index, truth, hashes } = fixture();
  const lane = new SearchLane(0);
  const queries = queriesNear(hashes, 40, 65);
  const inFlight = queries.map((q) => lane.search(index, q, 31));
  await new Promise((resolve) => setImmediate(resolve)); // the batch is posted
  await (lane as unknown as { worker: Worker }).worker.terminate();
  const answers = await Promise.all(inFlight);
  queries.forEach((q, i) => assert.deepEqual(answers[i], truth.searchAny(q, 31)));
  assert.deepEqual(await lane.search(index, queries[0], 31), truth.searchAny(queries[0], 31));
  await lane.close();
});

test('a query for a base the worker no longer keeps is searched on this thread', async () => {
  // The worker keeps the last 4 bases it was sent; a fifth evicts the first, and a later query
  // against that first base is answered `unknownBase` and searched here instead.
  const lane = new SearchLane(0);
  const worker = (lane as unknown as { worker: Worker }).worker;
  const unknown: number[] = [];
  worker.on('message', (m: { job: number; unknownBase?: boolean }) => {
    if (m.unknownBase === true) unknown.push(m.job);
  });
  try {
    const fixtures = Array.from({ length: 5 }, (_, k) => {
      const entries = makeEntries(600, 70 + k, true);
      const index = new MihPdqIndex({ deltaLimit: 1e9 });
      const truth = new BruteForcePdqIndex();
      for (const [id, hash] of entries) [index, truth].forEach((x) => x.add(id, hash));
      index.compact();
      return { index, truth, query: [flipped(entries[7][1], 9, seededRandom(80 + k))] };
    });
    for (const f of fixtures) {
      assert.deepEqual(await lane.search(f.index, f.query, 31), f.truth.searchAny(f.query, 31));
    }
    assert.deepEqual(unknown, [], 'each base is sent before its first job');
    const first = fixtures[0];
    const expected = first.truth.searchAny(first.query, 31);
    assert.ok(expected.length > 0);
    assert.deepEqual(await lane.search(first.index, first.query, 31), expected);
    assert.equal(unknown.length, 1, 'the evicted base was refused by the worker');
    const last = fixtures[4];
    assert.deepEqual(
      await lane.search(last.index, last.query, 31),
      last.truth.searchAny(last.query, 31),
    );
    assert.equal(unknown.length, 1, 'a kept base is still searched on the worker');
  } finally {
    await lane.close();
  }
});

test('bad arguments are refused as by the index itself', async () => {
  const lane = new SearchLane(0);
  try {
    const index = new MihPdqIndex();
    assert.throws(() => lane.search(index, [], 31), /1\.\.8 variants/);
    assert.throws(() => lane.search(index, [randomHash(seededRandom(1))], 64), /0\.\.63/);
  } finally {
    await lane.close();
  }
});
