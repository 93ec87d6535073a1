import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKhienError } from '../../errors/index.js';
import { chooseFrameRate, frameStep, parseRational } from './frame-selection.js';

test('parses ffprobe rationals', () => {
  assert.deepEqual(parseRational('30000/1001'), { num: 30000, den: 1001 });
  assert.deepEqual(parseRational('0/0'), { num: 0, den: 0 });
  assert.equal(parseRational('N/A'), null);
  assert.equal(parseRational(undefined), null);
});

test('uses avg_frame_rate, else r_frame_rate', () => {
  assert.equal(chooseFrameRate({ num: 450, den: 29 }, { num: 30, den: 1 }), 450 / 29);
  assert.equal(chooseFrameRate({ num: 0, den: 0 }, { num: 25, den: 1 }), 25);
  assert.equal(chooseFrameRate(null, { num: 24000, den: 1001 }), 24000 / 1001);
});

test('a zero or unknown frame rate is a coded error', () => {
  for (const [avg, r] of [
    [
      { num: 0, den: 0 },
      { num: 0, den: 0 },
    ],
    [null, null],
    [
      { num: 0, den: 1 },
      { num: 0, den: 1 },
    ],
  ] as const) {
    assert.throws(
      () => chooseFrameRate(avg, r),
      (err) => isKhienError(err, 'KHIEN_ERR_VIDEO_ZERO_FRAME_RATE'),
    );
  }
});

test('the step is trunc(seconds × fps), at least 1, counted in decoded frames', () => {
  assert.equal(frameStep(1, 30), 30);
  assert.equal(frameStep(1, 30000 / 1001), 29);
  assert.equal(frameStep(0, 30), 1);
  assert.equal(frameStep(1, 0.5), 1);
  assert.equal(frameStep(2.5, 16), 40);
  assert.equal(frameStep(0.29, 10), 2);
  assert.equal(frameStep(1, 29.97), 29);
  assert.throws(
    () => frameStep(-1, 30),
    (err) => isKhienError(err, 'KHIEN_ERR_INVALID_ARGUMENT'),
  );
});
