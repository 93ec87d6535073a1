import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MihPdqIndex } from '../../src/core/index/mih-pdq-index.js';
import { BruteForcePdqIndex } from '../../src/core/index/brute-force-pdq-index.js';
import { flipped, makeEntries, seededRandom } from '../../src/core/index/pdq-index-suite.js';
import { runBackgroundCompaction } from '../../src/index-io/background-compaction.js';

test('queries and writes between background slices see every live hash', async () => {
  const entries = makeEntries(30000, 61, true);
  const index = new MihPdqIndex({ deltaLimit: 1e9, slicesPerWrite: 0 });
  const truth = new BruteForcePdqIndex();
  for (const [id, hash] of entries.slice(0, 20000)) [index, truth].forEach((x) => x.add(id, hash));
  index.compact();
  for (const [id, hash] of entries.slice(20000)) [index, truth].forEach((x) => x.add(id, hash));
  index.startCompaction();
  assert.equal(index.stats().compacting, true);

  const next = seededRandom(62);
  let checks = 0;
  let running = true;
  const done = runBackgroundCompaction(index).finally(() => (running = false));
  const check = (): void => {
    const [id, hash] = entries[next() % entries.length];
    const remove = next() % 2 === 0;
    [index, truth].forEach((x) => (remove ? x.remove(id) : x.add(id, hash)));
    const q = flipped(hash, next() % 32, next);
    assert.deepEqual(index.search(q, 31), truth.search(q, 31));
    checks++;
    if (running) setImmediate(check);
  };
  setImmediate(check);
  const slices = await done;

  assert.ok(slices > 10, `compaction ran in ${slices} slices`);
  assert.equal(index.stats().compacting, false);
  assert.equal(index.size, truth.size);
  for (const [, hash] of entries.slice(0, 300)) {
    assert.deepEqual(index.search(hash, 31), truth.search(hash, 31));
  }
  assert.ok(checks > 5, `${checks} checks ran between slices`);
});
