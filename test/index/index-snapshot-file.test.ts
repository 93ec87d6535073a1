import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKhienError } from '../../src/errors/index.js';
import { MihPdqIndex } from '../../src/core/index/mih-pdq-index.js';
import { makeEntries } from '../../src/core/index/pdq-index-suite.js';
import { loadPdqSnapshot, savePdqSnapshot } from '../../src/index-io/index-snapshot-file.js';

const dir = mkdtempSync(join(tmpdir(), 'khien-snapshot-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('save then load gives an index on shared memory that answers alike', () => {
  const entries = makeEntries(2000, 31, true);
  const index = new MihPdqIndex({ deltaLimit: 1e9 });
  for (const [id, hash] of entries) index.add(id, hash);
  index.compact();
  index.remove(entries[0][0]);
  const path = join(dir, 'a.khienpdq');
  const bytes = savePdqSnapshot(path, index);
  assert.equal(readFileSync(path).length, bytes);
  const loaded = loadPdqSnapshot(path);
  assert.equal(loaded.size, 1999);
  assert.ok(loaded.currentBase().hashes.buffer instanceof SharedArrayBuffer);
  for (const [, hash] of entries.slice(0, 100)) {
    assert.deepEqual(loaded.search(hash, 31), index.search(hash, 31));
  }
});

test('a missing file is KHIEN_ERR_NOT_FOUND; a cut file _TRUNCATED with its path', () => {
  assert.throws(
    () => loadPdqSnapshot(join(dir, 'missing')),
    (e) => isKhienError(e, 'KHIEN_ERR_NOT_FOUND'),
  );
  const index = MihPdqIndex.build(new Uint32Array([1]), new Uint32Array(8));
  const path = join(dir, 'b.khienpdq');
  savePdqSnapshot(path, index);
  const full = readFileSync(path);
  writeFileSync(path, full.subarray(0, full.length - 8));
  assert.throws(
    () => loadPdqSnapshot(path),
    (e) => isKhienError(e, 'KHIEN_ERR_INDEX_SNAPSHOT_TRUNCATED') && e.details.path === path,
  );
});
