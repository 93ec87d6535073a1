// Bad input of every kind against the real service, each answered with its catalogue code, the
// catalogue status and the exact body: malformed hashes, low quality, unknown banks and
// entries, invalid facts and policies, duplicates, batches and uploads over the limits, files
// that are not images, and bodies that are not JSON.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { errorBody, FIXTURES, send, startTestServer, type SendOptions } from './http-harness.js';
import { fixtureImage, makeWorld, referenceHashes, type World } from './http-world.js';

let w: World;
const LOW_QUALITY = 'pdq-data/reg-test-input/labelme-subset/q0003.jpg';
const PDQ = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const fixtures = existsSync(FIXTURES) ? false : `fixtures absent at ${FIXTURES}`;

before(async () => {
  const server = await startTestServer({
    settings: { maxBatchSize: 5, maxUploadBytes: 400_000, maxImagePixels: 2_000_000 },
  });
  w = await makeWorld(server);
});
after(() => w.server.close());

/** Sends and checks status and the whole body. */
async function expectError(
  method: string,
  url: string,
  options: SendOptions,
  status: number,
  body: unknown,
) {
  const res = await send(w.server.app, method, url, options);
  assert.equal(res.statusCode, status, res.body);
  assert.deepEqual(res.json(), body);
}

const contribute = (json: unknown, key = w.hotline.contributor) => ({
  url: `/v1/banks/${w.bankId}/entries`,
  options: { key, json },
});

test('malformed hashes are 400 KHIEN_ERR_HASH_MALFORMED naming the signal', async () => {
  const bad = contribute({ signals: [{ type: 'pdq', value: 'xyz', quality: 100 }] });
  await expectError(
    'POST',
    bad.url,
    bad.options,
    400,
    errorBody(
      'KHIEN_ERR_HASH_MALFORMED',
      'signals[0]: a pdq hash must be 64 hex digits, got 3 characters',
      {
        index: 0,
        type: 'pdq',
      },
    ),
  );
  await expectError(
    'POST',
    '/v1/match',
    {
      key: w.platformMatcher,
      json: {
        signals: [
          { type: 'pdq', value: PDQ },
          { type: 'md5', value: 'g'.repeat(32) },
        ],
      },
    },
    400,
    errorBody(
      'KHIEN_ERR_HASH_MALFORMED',
      'signals[1]: a md5 hash must be 32 hex digits, got "g" at position 1, which is not a hex digit',
      {
        index: 1,
        type: 'md5',
      },
    ),
  );
});

test('PDQ below the bank’s minimum quality (or without one) is 422 KHIEN_ERR_QUALITY_TOO_LOW', async () => {
  // A hash with a quality under the minimum, as a platform would send it: no fixture needed.
  const low = { hash: PDQ, quality: 12 };
  const byHash = contribute({ signals: [{ type: 'pdq', value: low.hash, quality: low.quality }] });
  await expectError(
    'POST',
    byHash.url,
    byHash.options,
    422,
    errorBody(
      'KHIEN_ERR_QUALITY_TOO_LOW',
      `signals[0]: PDQ quality must be at least 50 for this bank, got ${low.quality}`,
      {
        index: 0,
        minQuality: 50,
        quality: low.quality,
      },
    ),
  );
  const missing = contribute({ signals: [{ type: 'pdq', value: PDQ }] });
  await expectError(
    'POST',
    missing.url,
    missing.options,
    422,
    errorBody(
      'KHIEN_ERR_QUALITY_TOO_LOW',
      'signals[0]: PDQ quality must be at least 50 for this bank, got none',
      {
        index: 0,
        minQuality: 50,
        quality: null,
      },
    ),
  );
});

test('a low-quality upload is refused the same way', { skip: fixtures }, async () => {
  const res = await send(w.server.app, 'POST', `/v1/banks/${w.bankId}/entries`, {
    key: w.hotline.contributor,
    upload: { media: fixtureImage(LOW_QUALITY) },
  });
  assert.equal(res.statusCode, 422);
  assert.equal(res.json().error.code, 'KHIEN_ERR_QUALITY_TOO_LOW');
  assert.equal(res.json().error.details.quality, referenceHashes().get(LOW_QUALITY)!.quality);
});

test('unknown banks, entries, organisations, keys and matches are 404 with their codes', async () => {
  await expectError(
    'POST',
    '/v1/banks/bank_nope/entries',
    { key: w.hotline.contributor, json: { signals: [{ type: 'md5', value: 'a'.repeat(32) }] } },
    404,
    errorBody('KHIEN_ERR_BANK_NOT_FOUND', 'no bank has id "bank_nope"', { bankId: 'bank_nope' }),
  );
  const codes: [string, string, string][] = [
    ['GET', '/v1/banks/bank_nope', 'KHIEN_ERR_BANK_NOT_FOUND'],
    ['GET', '/v1/entries/ent_nope', 'KHIEN_ERR_ENTRY_NOT_FOUND'],
    ['GET', '/v1/organisations/org_nope', 'KHIEN_ERR_ORGANISATION_NOT_FOUND'],
    ['POST', '/v1/keys/nope/revoke', 'KHIEN_ERR_KEY_NOT_FOUND'],
  ];
  for (const [method, url, code] of codes) {
    const res = await send(w.server.app, method, url, {
      key: w.adminKey,
      json: method === 'POST' ? {} : undefined,
    });
    const asCurator =
      res.statusCode === 403
        ? await send(w.server.app, method, url, { key: w.hotline.curator })
        : res;
    assert.equal(asCurator.statusCode, 404, `${method} ${url}: ${asCurator.body}`);
    assert.equal(asCurator.json().error.code, code);
  }
  const feedback = await send(w.server.app, 'POST', '/v1/matches/m_nope/feedback', {
    key: w.platformMatcher,
    json: { kind: 'false_positive' },
  });
  assert.equal(feedback.statusCode, 404);
  assert.equal(feedback.json().error.code, 'KHIEN_ERR_MATCH_NOT_FOUND');
});

test('facts not of the documented form are 400 KHIEN_ERR_FACTS_INVALID, by JSON or upload field', async () => {
  const bad = contribute({
    signals: [{ type: 'md5', value: 'b'.repeat(32) }],
    facts: { ageBand: '18+' },
  });
  const message =
    "body.facts.ageBand: Invalid enum value. Expected '0-2' | '3-6' | '7-10' | '11-13' | '14-15' | " +
    "'16-17' | 'unknown', received '18+'";
  await expectError(
    'POST',
    bad.url,
    bad.options,
    400,
    errorBody('KHIEN_ERR_FACTS_INVALID', message, {
      issues: [
        { path: 'body.facts.ageBand', message: message.slice('body.facts.ageBand: '.length) },
      ],
    }),
  );

  const upload = await send(w.server.app, 'POST', `/v1/banks/${w.bankId}/entries`, {
    key: w.hotline.contributor,
    upload: { media: Buffer.from('x'), fields: { entry: '{"facts":{"origin":"painted"}}' } },
  });
  assert.equal(upload.statusCode, 400);
  assert.equal(upload.json().error.code, 'KHIEN_ERR_FACTS_INVALID');
  assert.match(upload.json().error.message, /^entry\.facts\.origin: Invalid enum value/);

  const notJson = await send(w.server.app, 'POST', `/v1/banks/${w.bankId}/entries`, {
    key: w.hotline.contributor,
    upload: { media: Buffer.from('x'), fields: { entry: '{facts:' } },
  });
  assert.deepEqual(
    notJson.json(),
    errorBody('KHIEN_ERR_MALFORMED_JSON', 'the multipart field "entry" is not valid JSON'),
  );

  // The field is parsed as a JSON body is: a prototype-poisoning key is refused by name.
  const poisoned = await send(w.server.app, 'POST', `/v1/banks/${w.bankId}/entries`, {
    key: w.hotline.contributor,
    upload: { media: Buffer.from('x'), fields: { entry: '{"facts":{"__proto__":{"x":1}}}' } },
  });
  assert.equal(poisoned.statusCode, 400);
  assert.equal(poisoned.json().error.code, 'KHIEN_ERR_JSON_FORBIDDEN_KEY');
  assert.match(poisoned.json().error.message, /^the multipart field "entry" holds the forbidden/);
});

test('a policy out of range is 400 naming the field, the limit and the value', async () => {
  await expectError(
    'POST',
    '/v1/banks',
    { key: w.hotline.curator, json: { name: 'Too loose', policy: { pdqMaxDistance: 80 } } },
    400,
    errorBody(
      'KHIEN_ERR_INVALID_ARGUMENT',
      'body.policy.pdqMaxDistance: Number must be less than or equal to 63, got 80',
      {
        issues: [
          {
            path: 'body.policy.pdqMaxDistance',
            message: 'Number must be less than or equal to 63, got 80',
          },
        ],
      },
    ),
  );
});

test('duplicates are 409: a signal already in the bank, a taken organisation name', async () => {
  const first = contribute({ signals: [{ type: 'sha1', value: 'c'.repeat(40) }] });
  const made = await w.call('POST', first.url, first.options, 201);
  await expectError(
    'POST',
    first.url,
    first.options,
    409,
    errorBody(
      'KHIEN_ERR_SIGNAL_DUPLICATE',
      `bank ${w.bankId} already holds this sha1 signal in entry ${made.id}`,
      {
        entryId: made.id,
        type: 'sha1',
      },
    ),
  );
  const taken = await send(w.server.app, 'POST', '/v1/organisations', {
    key: w.adminKey,
    json: { name: 'Hotline', kind: 'hotline' },
  });
  assert.equal(taken.statusCode, 409);
  assert.equal(taken.json().error.code, 'KHIEN_ERR_ALREADY_EXISTS');
});

test('a batch over maxBatchSize is 413 KHIEN_ERR_BATCH_TOO_LARGE', async () => {
  const signals = Array.from({ length: 6 }, () => ({ type: 'pdq', value: PDQ }));
  await expectError(
    'POST',
    '/v1/match',
    { key: w.platformMatcher, json: { signals } },
    413,
    errorBody('KHIEN_ERR_BATCH_TOO_LARGE', 'expected at most 5 signals per match request, got 6', {
      max: 5,
      got: 6,
    }),
  );
});

test('media over maxUploadBytes is 413 and nothing is stored', { skip: fixtures }, async () => {
  const big = fixtureImage('pdq-data/reg-test-input/exif-rotn/exif-rotn-1.jpg');
  assert.ok(big.length > 400_000, `fixture precondition: ${big.length} bytes`);
  const before = await w.call(
    'GET',
    `/v1/banks/${w.bankId}/entries?limit=1000`,
    { key: w.hotline.curator },
    200,
  );
  await expectError(
    'POST',
    `/v1/banks/${w.bankId}/entries`,
    { key: w.hotline.contributor, upload: { media: big } },
    413,
    errorBody('KHIEN_ERR_PAYLOAD_TOO_LARGE', 'the uploaded file exceeds maxUploadBytes'),
  );
  const afterIt = await w.call(
    'GET',
    `/v1/banks/${w.bankId}/entries?limit=1000`,
    { key: w.hotline.curator },
    200,
  );
  assert.equal(afterIt.entries.length, before.entries.length);
});

test('an image over maxImagePixels is 413 KHIEN_ERR_IMAGE_TOO_LARGE before it is decoded', async () => {
  const wide = await sharp({
    create: { width: 3000, height: 1000, channels: 3, background: { r: 90, g: 90, b: 90 } },
  })
    .png()
    .toBuffer();
  assert.ok(wide.length < 400_000, 'precondition: small in bytes');
  const res = await send(w.server.app, 'POST', '/v1/match', {
    key: w.platformMatcher,
    upload: { media: wide },
  });
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().error.code, 'KHIEN_ERR_IMAGE_TOO_LARGE');
});

test('an upload that is not an image is 415, a truncated one 422', { skip: fixtures }, async () => {
  const notImage = await send(w.server.app, 'POST', '/v1/match', {
    key: w.platformMatcher,
    upload: { media: Buffer.from('%PDF-1.7 definitely not a picture') },
  });
  assert.equal(notImage.statusCode, 415);
  assert.equal(notImage.json().error.code, 'KHIEN_ERR_IMAGE_UNSUPPORTED');

  const jpeg = fixtureImage('pdq-data/bridge-mods/aaa-orig.jpg');
  const truncated = await send(w.server.app, 'POST', '/v1/match', {
    key: w.platformMatcher,
    upload: { media: jpeg.subarray(0, 600) },
  });
  assert.equal(truncated.statusCode, 422);
  assert.equal(truncated.json().error.code, 'KHIEN_ERR_IMAGE_CORRUPT');
});

test('wrong content type is 415 and broken JSON 400, before the service is asked', async () => {
  await expectError(
    'POST',
    `/v1/banks/${w.bankId}/entries`,
    {
      key: w.hotline.contributor,
      headers: { 'content-type': 'application/xml' },
      json: '<entry/>',
    },
    415,
    errorBody(
      'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE',
      'expected Content-Type application/json or multipart/form-data, got application/xml',
      { contentType: 'application/xml' },
    ),
  );
  const broken = await w.server.app.inject({
    method: 'POST',
    url: '/v1/match',
    headers: { authorization: `Bearer ${w.platformMatcher}`, 'content-type': 'application/json' },
    payload: '{"signals":[{"type":"pdq",',
  });
  assert.equal(broken.statusCode, 400);
  assert.deepEqual(
    broken.json(),
    errorBody('KHIEN_ERR_MALFORMED_JSON', 'the body is not valid JSON'),
  );
});

test('query strings are validated too: a bad audit time or list limit is 400', async () => {
  await expectError(
    'GET',
    '/v1/audit?from=yesterday',
    { key: w.hotline.auditor },
    400,
    errorBody(
      'KHIEN_ERR_INVALID_ARGUMENT',
      'query.from: expected an ISO 8601 time, got "yesterday"',
      {
        issues: [{ path: 'query.from', message: 'expected an ISO 8601 time, got "yesterday"' }],
      },
    ),
  );
  const limit = await send(w.server.app, 'GET', `/v1/banks/${w.bankId}/entries?limit=0`, {
    key: w.hotline.curator,
  });
  assert.equal(limit.statusCode, 400);
  assert.equal(
    limit.json().error.message,
    'query.limit: Number must be greater than or equal to 1, got "0"',
  );
});
