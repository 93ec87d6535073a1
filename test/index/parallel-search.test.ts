import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BruteForcePdqIndex } from '../../src/core/index/brute-force-pdq-index.js';
import { MihPdqIndex } from '../../src/core/index/mih-pdq-index.js';
import {
  flipped,
  makeEntries,
  randomHash,
  seededRandom,
} from '../../src/core/index/pdq-index-suite.js';
import { ParallelPdqSearch } from '../../src/index-io/parallel-search.js';

test('batch search on worker threads equals brute force, single and dihedral queries', async () => {
  const entries = makeEntries(5000, 51, true);
  const index = new MihPdqIndex({ deltaLimit: 1e9 });
  const truth = new BruteForcePdqIndex();
  for (const [id, hash] of entries) [index, truth].forEach((x) => x.add(id, hash));
  index.compact();
  for (const [id, hash] of makeEntries(300, 52, false)) {
    [index, truth].forEach((x) => x.add(id + 1, hash));
  }
  for (const [id] of entries.slice(0, 200)) [index, truth].forEach((x) => x.remove(id));

  const next = seededRandom(53);
  const queries = Array.from({ length: 300 }, (_, k) => {
    const near = flipped(entries[next() % entries.length][1], next() % 45, next);
    if (k % 3 === 0) return [randomHash(next), near, randomHash(next)];
    return k % 3 === 1 ? near : randomHash(next);
  });
  const search = new ParallelPdqSearch(2);
  try {
    const answers = await search.searchBatch(index, queries, 31);
    assert.equal(answers.length, queries.length);
    let found = 0;
    queries.forEach((q, i) => {
      const expected = Array.isArray(q)
        ? truth.searchAny(q, 31)
        : truth.search(q, 31).map((m) => ({ ...m, variant: 0 }));
      assert.deepEqual(answers[i], expected, `query ${i}`);
      found += expected.length;
    });
    assert.ok(found > 100);
  } finally {
    await search.close();
  }
});
