import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKhienError } from '../../errors/index.js';
import { ExactDigestIndex } from './exact-digest-index.js';

function digest(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

test('digests of all three lengths are found exactly, and only themselves', () => {
  const index = new ExactDigestIndex();
  index.add(1, digest(16, 1));
  index.add(2, digest(20, 1));
  index.add(3, digest(32, 1));
  assert.deepEqual(index.lookup(digest(16, 1)), [1]);
  assert.deepEqual(index.lookup(digest(20, 1)), [2]);
  assert.deepEqual(index.lookup(digest(32, 1)), [3]);
  assert.deepEqual(index.lookup(digest(32, 2)), []);
  assert.equal(index.size, 3);
});

test('shared digests, re-adds and removes', () => {
  const index = new ExactDigestIndex(16);
  index.add(5, digest(16, 9));
  index.add(4, digest(16, 9));
  index.add(6, digest(16, 9));
  assert.deepEqual(index.lookup(digest(16, 9)), [4, 5, 6]);
  index.add(5, digest(16, 8));
  assert.deepEqual(index.lookup(digest(16, 9)), [4, 6]);
  assert.deepEqual(index.lookup(digest(16, 8)), [5]);
  assert.equal(index.remove(4), true);
  assert.equal(index.remove(4), false);
  assert.equal(index.remove(77), false);
  assert.deepEqual(index.lookup(digest(16, 9)), [6]);
  assert.equal(index.size, 2);
});

test('wrong lengths are refused with KHIEN_ERR_HASH_MALFORMED', () => {
  const pinned = new ExactDigestIndex(32);
  assert.throws(
    () => pinned.add(1, digest(16, 1)),
    (e) => isKhienError(e, 'KHIEN_ERR_HASH_MALFORMED'),
  );
  assert.throws(
    () => new ExactDigestIndex().lookup(digest(15, 1)),
    (e) => isKhienError(e, 'KHIEN_ERR_HASH_MALFORMED'),
  );
  assert.throws(
    () => pinned.add(-1, digest(32, 1)),
    (e) => isKhienError(e, 'KHIEN_ERR_INVALID_ARGUMENT'),
  );
});
