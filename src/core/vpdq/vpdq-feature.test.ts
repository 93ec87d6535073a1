import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKhienError } from '../../errors/index.js';
import { parsePdqHex } from '../pdq/pdq-hash.js';
import { formatVpdqText, looksLikeVpdqText, parseVpdqText } from './vpdq-feature.js';

const HEX = 'e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c';

test('reads and writes the reference lines unchanged', () => {
  const text = `0,100,${HEX},0.000\n1,43,${'0'.repeat(64)},0.062\n`;
  const features = parseVpdqText(text);
  assert.equal(features.length, 2);
  assert.deepEqual(features[0].hash, parsePdqHex(HEX));
  assert.equal(features[1].quality, 43);
  assert.equal(features[1].timestamp, 0.062);
  assert.equal(formatVpdqText(features), text);
});

test('skips blank lines and accepts CRLF and extra fields', () => {
  const features = parseVpdqText(`\r\n5,90,${HEX},0.167,extra\r\n\r\n`);
  assert.equal(features.length, 1);
  assert.equal(features[0].frameNumber, 5);
});

test('malformed lines are coded errors naming the line', () => {
  const cases = [
    `0,100,${HEX}`,
    `x,100,${HEX},0.0`,
    `0,101,${HEX},0.0`,
    `0,100,${HEX.slice(1)},0.0`,
    `0,100,${HEX},-1`,
    `0,100,${HEX},`,
  ];
  for (const line of cases) {
    assert.throws(
      () => parseVpdqText(`0,100,${HEX},0.000\n${line}\n`),
      (err) => isKhienError(err, 'KHIEN_ERR_VPDQ_MALFORMED') && /line 2/.test(err.message),
      line,
    );
  }
});

test('recognises vPDQ text by its first line', () => {
  assert.equal(looksLikeVpdqText(`\n0,100,${HEX},0.000\n`), true);
  assert.equal(looksLikeVpdqText(`${HEX}\n`), false);
  assert.equal(looksLikeVpdqText(''), false);
});
