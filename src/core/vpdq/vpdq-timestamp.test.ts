import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimestamp, frameTimestamp } from './vpdq-timestamp.js';

test('rounds half to even on the exact binary value, as glibc printf %.3f', () => {
  // 1/16 s is exactly 0.0625: a tie, so the even 0.062 (JavaScript's toFixed gives 0.063).
  assert.equal(formatTimestamp(0.0625), '0.062');
  assert.equal(formatTimestamp(0.1875), '0.188');
  assert.equal(formatTimestamp(0.3125), '0.312');
  assert.equal(formatTimestamp(2.5625), '2.562');
  // Not ties: the nearest double to 0.0005 is above it, 1.0005 below it.
  assert.equal(formatTimestamp(0.0005), '0.001');
  assert.equal(formatTimestamp(1.0005), '1.000');
  assert.equal(formatTimestamp(0), '0.000');
  assert.equal(formatTimestamp(1234.5), '1234.500');
  assert.equal(formatTimestamp(0.9999), '1.000');
});

test('frame timestamps are computed in float32 like the reference', () => {
  // 1 / 29.97 in float32 widened, then printed.
  const t = frameTimestamp(1, 30000 / 1001);
  assert.equal(t, Math.fround(1 / Math.fround(30000 / 1001)));
  assert.equal(formatTimestamp(t), '0.033');
  assert.equal(formatTimestamp(frameTimestamp(1, 16)), '0.062');
  assert.equal(formatTimestamp(frameTimestamp(29, 30000 / 1001)), '0.968');
  assert.equal(formatTimestamp(frameTimestamp(30, 30)), '1.000');
});

test('refuses negative and non-finite timestamps', () => {
  assert.throws(() => formatTimestamp(-1), RangeError);
  assert.throws(() => formatTimestamp(Number.NaN), RangeError);
});
