import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKhienError } from '../../errors/index.js';
import { parsePdqHex, pdqDistance, popcount32, toPdqHex } from './pdq-hash.js';

const BRIDGE = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const BRIDGE_CLI = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';

test('hex round trip keeps the reference word order', () => {
  const h = parsePdqHex(BRIDGE);
  assert.equal(h[15], 0xf8f8);
  assert.equal(h[0], 0x9b22);
  assert.equal(toPdqHex(h), BRIDGE);
  assert.equal(toPdqHex(parsePdqHex(BRIDGE.toUpperCase())), BRIDGE);
});

test('distance between the full and cli512 bridge hashes is 6 bits', () => {
  assert.equal(pdqDistance(parsePdqHex(BRIDGE), parsePdqHex(BRIDGE_CLI)), 6);
  assert.equal(pdqDistance(parsePdqHex(BRIDGE), parsePdqHex(BRIDGE)), 0);
  const zero = parsePdqHex('0'.repeat(64));
  assert.equal(pdqDistance(zero, parsePdqHex('f'.repeat(64))), 256);
});

test('popcount32', () => {
  assert.equal(popcount32(0), 0);
  assert.equal(popcount32(0xffffffff), 32);
  assert.equal(popcount32(0x80000001), 2);
});

test('malformed hex is refused with KHIEN_ERR_HASH_MALFORMED', () => {
  for (const bad of [
    '',
    BRIDGE.slice(1),
    BRIDGE + '0',
    BRIDGE.replace('f', 'g'),
    ' ' + BRIDGE.slice(1),
  ]) {
    assert.throws(
      () => parsePdqHex(bad),
      (e) => isKhienError(e, 'KHIEN_ERR_HASH_MALFORMED'),
      bad,
    );
  }
});
