import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKhienError, type ErrorCode } from '../../errors/index.js';
import { MihPdqIndex } from './mih-pdq-index.js';
import { decodePdqSnapshot, encodePdqSnapshot } from './pdq-snapshot.js';
import { makeEntries, runPdqIndexSuite, seededRandom, flipped } from './pdq-index-suite.js';

function bytesOf(index: MihPdqIndex): Uint8Array {
  const chunks = encodePdqSnapshot(index);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function roundTrip(index: MihPdqIndex): MihPdqIndex {
  return decodePdqSnapshot(bytesOf(index));
}

runPdqIndexSuite('MIH after a snapshot round trip (base, tombstones and delta)', (entries) => {
  const index = new MihPdqIndex({ deltaLimit: 1e9 });
  const half = Math.floor(entries.length / 2);
  for (const [id, hash] of entries.slice(0, half)) index.add(id, hash);
  index.compact();
  for (const [id, hash] of entries.slice(half)) index.add(id, hash);
  return roundTrip(index);
});

function sampleIndex(): MihPdqIndex {
  const index = new MihPdqIndex({ deltaLimit: 1e9 });
  for (const [id, hash] of makeEntries(500, 21, true)) index.add(id, hash);
  index.compact();
  return index;
}

test('a round trip keeps removals and pending adds, and answers alike', () => {
  const entries = makeEntries(800, 22, true);
  const index = new MihPdqIndex({ deltaLimit: 1e9 });
  for (const [id, hash] of entries.slice(0, 600)) index.add(id, hash);
  index.compact();
  for (const [id] of entries.slice(0, 50)) index.remove(id);
  for (const [id, hash] of entries.slice(600)) index.add(id, hash);
  const copy = roundTrip(index);
  assert.equal(copy.size, 750);
  assert.equal(copy.stats().baseDead, 50);
  const next = seededRandom(23);
  for (const [, hash] of entries) {
    const q = flipped(hash, next() % 40, next);
    assert.deepEqual(copy.search(q, 31), index.search(q, 31));
  }
});

const is = (code: ErrorCode) => (e: unknown) => isKhienError(e, code);

test('a flipped payload byte is KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT', () => {
  const bytes = bytesOf(sampleIndex());
  for (const at of [200, 5000, bytes.length - 1]) {
    const bad = bytes.slice();
    bad[at] ^= 0x10;
    assert.throws(() => decodePdqSnapshot(bad), is('KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT'));
  }
  const extra = new Uint8Array(bytes.length + 4);
  extra.set(bytes);
  assert.throws(() => decodePdqSnapshot(extra), is('KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT'));
});

test('a cut-short file is KHIEN_ERR_INDEX_SNAPSHOT_TRUNCATED', () => {
  const bytes = bytesOf(sampleIndex());
  for (const length of [bytes.length - 4, bytes.length - 3, 100]) {
    assert.throws(
      () => decodePdqSnapshot(bytes.slice(0, length)),
      is('KHIEN_ERR_INDEX_SNAPSHOT_TRUNCATED'),
    );
  }
});

test('another file is KHIEN_ERR_INDEX_SNAPSHOT_FOREIGN; another version _VERSION', () => {
  const text = new TextEncoder().encode('pdqhex,quality,path\n'.repeat(10));
  assert.throws(() => decodePdqSnapshot(text), is('KHIEN_ERR_INDEX_SNAPSHOT_FOREIGN'));
  assert.throws(() => decodePdqSnapshot(new Uint8Array(0)), is('KHIEN_ERR_INDEX_SNAPSHOT_FOREIGN'));
  const bytes = bytesOf(sampleIndex());
  bytes[8] = 1; // the format before the bucket directory
  assert.throws(() => decodePdqSnapshot(bytes), is('KHIEN_ERR_INDEX_SNAPSHOT_VERSION'));
});

test('an empty index round-trips', () => {
  const copy = roundTrip(new MihPdqIndex());
  assert.equal(copy.size, 0);
  assert.deepEqual(copy.search(new Uint16Array(16), 63), []);
});
