// The HTTP edge on its own: error mapping of everything fastify and its plugins refuse (404,
// 405, 415, bad JSON, body and upload limits), authentication headers, per-key rate limits,
// request ids, readiness, metrics and the OpenAPI document. The service here is a small fake
// so that each edge behaviour is pinned exactly; test/http-api.test.ts runs the real service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { loadConfig } from '../src/config/index.js';
import { KhienError } from '../src/errors/index.js';
import { buildServer } from '../src/server/build-server.js';
import type { KhienService } from '../src/service/khien-service.js';
import type { Actor, MatchInput, MatchResult } from '../src/service/types.js';
import { errorBody, registeredRoutes, send, type SendOptions } from './http-harness.js';

const PDQ = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';

/** Just enough of KhienService for the edge: keys `k1`/`k2`, an echoing match, a broken list. */
class FakeService {
  ready = false;
  calls: string[] = [];

  health() {
    return {
      ready: this.ready,
      indexedSignals: this.ready ? 42 : 0,
      loadMs: this.ready ? 7 : null,
    };
  }

  async authenticate(rawKey: string, requestId: string): Promise<Actor> {
    if (rawKey !== 'k1' && rawKey !== 'k2') {
      throw new KhienError('KHIEN_ERR_UNAUTHENTICATED', 'not a key Khiên issued');
    }
    return { orgId: 'org-' + rawKey, keyId: rawKey, roles: ['matcher'], requestId };
  }

  async match(actor: Actor, input: MatchInput): Promise<MatchResult> {
    this.calls.push(`match ${actor.keyId} ${actor.requestId}`);
    return {
      results: input.signals.map((s) => ({
        type: s.type,
        value: s.value,
        matches: [],
        allowListed: false,
        suppressed: 0,
        lowQuality: false,
      })),
    };
  }

  async matchImage(_actor: Actor, input: { image: Buffer }): Promise<MatchResult> {
    this.calls.push(`matchImage ${input.image.length}`);
    return { results: [] };
  }

  async listBanks(): Promise<never> {
    throw new Error('database exploded at /secret/path');
  }
}

async function edgeServer(settings: Record<string, unknown> = {}) {
  const fake = new FakeService();
  const config = loadConfig({
    env: {},
    flags: { maxBatchSize: 3, maxJsonBodyBytes: 2000, maxUploadBytes: 1000, ...settings },
  });
  const app = await buildServer({ service: fake as unknown as KhienService, config });
  return { app, fake };
}

const match = (app: FastifyInstance, json: unknown, key = 'k1') =>
  send(app, 'POST', '/v1/match', { key, json });

test('liveness answers ok, with a request id made up or taken from the caller', async () => {
  const { app } = await edgeServer();

  const made = await send(app, 'GET', '/healthz');
  assert.equal(made.statusCode, 200);
  assert.deepEqual(made.json(), { status: 'ok' });
  assert.match(String(made.headers['x-request-id']), /^[0-9a-f-]{36}$/);

  const given = await send(app, 'GET', '/healthz', {
    headers: { 'x-request-id': 'moderation-77' },
  });
  assert.equal(given.headers['x-request-id'], 'moderation-77');
  const odd = await send(app, 'GET', '/healthz', { headers: { 'x-request-id': 'has spaces' } });
  assert.notEqual(odd.headers['x-request-id'], 'has spaces');
  await app.close();
});

test('the request id reaches the service as the actor’s requestId', async () => {
  const { app, fake } = await edgeServer();
  const res = await send(app, 'POST', '/v1/match', {
    key: 'k1',
    json: { signals: [{ type: 'pdq', value: PDQ }] },
    headers: { 'x-request-id': 'req-1' },
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(fake.calls, ['match k1 req-1']);
  await app.close();
});

test('readiness is 503 until the index is loaded, then 200 with its size', async () => {
  const { app, fake } = await edgeServer();
  const before = await send(app, 'GET', '/readyz');
  assert.equal(before.statusCode, 503);
  assert.deepEqual(
    before.json(),
    errorBody('KHIEN_ERR_NOT_READY', 'the match index is still loading', { indexedSignals: 0 }),
  );

  fake.ready = true;
  const after = await send(app, 'GET', '/readyz');
  assert.equal(after.statusCode, 200);
  assert.deepEqual(after.json(), { status: 'ready', indexedSignals: 42, loadMs: 7 });
  await app.close();
});

test('unknown paths are 404 and known paths with the wrong method 405 with Allow', async () => {
  const { app } = await edgeServer();
  const missing = await send(app, 'GET', '/v1/nothing-here?x=1');
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(
    missing.json(),
    errorBody('KHIEN_ERR_ROUTE_NOT_FOUND', 'no endpoint GET /v1/nothing-here', {
      method: 'GET',
      path: '/v1/nothing-here',
    }),
  );

  const wrong = await send(app, 'PUT', '/v1/banks/b-1', { key: 'k1', json: {} });
  assert.equal(wrong.statusCode, 405);
  assert.equal(wrong.headers.allow, 'GET, PATCH, HEAD');
  assert.deepEqual(
    wrong.json(),
    errorBody(
      'KHIEN_ERR_METHOD_NOT_ALLOWED',
      'expected one of GET, PATCH, HEAD on /v1/banks/b-1, got PUT',
      {
        allowed: ['GET', 'PATCH', 'HEAD'],
      },
    ),
  );
  await app.close();
});

test('a missing, foreign or unknown key is 401 with WWW-Authenticate', async () => {
  const { app } = await edgeServer();
  const none = await send(app, 'GET', '/v1/banks');
  assert.equal(none.statusCode, 401);
  assert.equal(none.headers['www-authenticate'], 'Bearer realm="khien"');
  assert.deepEqual(
    none.json(),
    errorBody(
      'KHIEN_ERR_UNAUTHENTICATED',
      'expected an "Authorization: Bearer <key>" header, got none',
    ),
  );

  const basic = await send(app, 'GET', '/v1/banks', { headers: { authorization: 'Basic a2V5' } });
  assert.deepEqual(
    basic.json(),
    errorBody(
      'KHIEN_ERR_UNAUTHENTICATED',
      'expected "Authorization: Bearer <key>", got the scheme "Basic"',
      {
        scheme: 'Basic',
      },
    ),
  );

  // A key without its scheme, or any word not a known scheme, is not echoed back.
  for (const authorization of ['khien_abcdefghijklmnop_secretsecretsecret', 'hunter2 more']) {
    const bare = await send(app, 'GET', '/v1/banks', { headers: { authorization } });
    assert.deepEqual(
      bare.json(),
      errorBody(
        'KHIEN_ERR_UNAUTHENTICATED',
        'expected "Authorization: Bearer <key>", got a value without the "Bearer" scheme',
      ),
    );
  }

  // "Bearer " arrives as "Bearer": Node drops the trailing space of a header value.
  for (const authorization of ['Bearer ', 'Bearer', 'bearer   ']) {
    const noKey = await send(app, 'GET', '/v1/banks', { headers: { authorization } });
    assert.equal(noKey.statusCode, 401);
    assert.deepEqual(
      noKey.json(),
      errorBody(
        'KHIEN_ERR_UNAUTHENTICATED',
        'expected "Authorization: Bearer <key>", got no key after "Bearer"',
        { scheme: authorization.trim() },
      ),
    );
  }
  const twoWords = await send(app, 'GET', '/v1/banks', {
    headers: { authorization: 'Bearer k1 k2' },
  });
  assert.equal(
    twoWords.json().error.message,
    'expected "Authorization: Bearer <key>" with one key, got 2 words after "Bearer"',
  );

  const unknown = await send(app, 'GET', '/v1/banks', { key: 'nope' });
  assert.equal(unknown.statusCode, 401);
  assert.deepEqual(
    unknown.json(),
    errorBody('KHIEN_ERR_UNAUTHENTICATED', 'not a key Khiên issued'),
  );
  await app.close();
});

test('bodies of the wrong content type are 415', async () => {
  const { app } = await edgeServer();
  const text = await send(app, 'POST', '/v1/match', {
    key: 'k1',
    headers: { 'content-type': 'text/plain' },
    json: 'hello',
  });
  assert.equal(text.statusCode, 415);
  assert.deepEqual(
    text.json(),
    errorBody(
      'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE',
      'expected Content-Type application/json or multipart/form-data, got text/plain',
      { contentType: 'text/plain' },
    ),
  );

  const form = await send(app, 'POST', '/v1/banks', {
    key: 'k1',
    upload: { fields: { name: 'x' } },
  });
  assert.equal(form.statusCode, 415);
  assert.equal(form.json().error.code, 'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE');
  assert.match(
    form.json().error.message,
    /^expected application\/json on POST \/v1\/banks, got multipart\/form-data; boundary=/,
  );
  await app.close();
});

test('malformed and empty JSON are 400 KHIEN_ERR_MALFORMED_JSON', async () => {
  const { app } = await edgeServer();
  const bad = await send(app, 'POST', '/v1/match', {
    key: 'k1',
    headers: { 'content-type': 'application/json' },
    json: undefined,
  });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(
    bad.json(),
    errorBody('KHIEN_ERR_MALFORMED_JSON', 'the body is empty but Content-Type is application/json'),
  );

  const broken = await app.inject({
    method: 'POST',
    url: '/v1/match',
    headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
    payload: '{"signals": [',
  });
  assert.equal(broken.statusCode, 400);
  assert.deepEqual(
    broken.json(),
    errorBody('KHIEN_ERR_MALFORMED_JSON', 'the body is not valid JSON'),
  );
  await app.close();
});

test('a JSON body with a prototype-poisoning key is 400 saying which key, not "invalid JSON"', async () => {
  const { app, fake } = await edgeServer();
  const post = (payload: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
      payload,
    });
  const signals = `"signals":[{"type":"pdq","value":"${PDQ}"}]`;
  const cases = [
    { payload: `{${signals},"__proto__":{"admin":true}}`, key: '__proto__' },
    // The same key with its first underscore written as a JSON escape.
    { payload: `{${signals},"x":{"\\u005f_proto__":1}}`, key: '__proto__' },
    {
      payload: `{${signals},"constructor":{"prototype":{"admin":true}}}`,
      key: 'constructor.prototype',
    },
  ];
  for (const { payload, key } of cases) {
    const res = await post(payload);
    assert.equal(res.statusCode, 400, payload);
    assert.deepEqual(
      res.json(),
      errorBody(
        'KHIEN_ERR_JSON_FORBIDDEN_KEY',
        `the body holds the forbidden key "${key}" (refused to guard against prototype pollution)`,
        { key },
      ),
    );
  }

  // A "constructor" that is not an object with "prototype" is an ordinary (here unknown) field.
  const plain = await post(`{${signals},"constructor":1}`);
  assert.equal(plain.json().error.message, 'body: unknown field(s) "constructor"');
  assert.deepEqual(fake.calls, []);
  await app.close();
});

test('fields of the wrong form are 400 naming the field, expected and received', async () => {
  const { app } = await edgeServer();
  const unknownField = await match(app, { signals: [{ type: 'pdq', value: PDQ }], extra: 1 });
  assert.deepEqual(
    unknownField.json(),
    errorBody('KHIEN_ERR_INVALID_ARGUMENT', 'body: unknown field(s) "extra"', {
      issues: [{ path: 'body', message: 'unknown field(s) "extra"' }],
    }),
  );

  const badType = await match(app, { signals: [{ type: 'phash', value: PDQ }] });
  assert.equal(badType.statusCode, 400);
  assert.equal(
    badType.json().error.message,
    "body.signals.0.type: Invalid enum value. Expected 'pdq' | 'md5' | 'sha1' | 'sha256', received 'phash'",
  );

  const notArray = await match(app, { signals: 'abc' });
  assert.equal(notArray.json().error.message, 'body.signals: Expected array, received string');

  const empty = await match(app, { signals: [] });
  assert.equal(
    empty.json().error.message,
    'body.signals: Array must contain at least 1 element(s), got []',
  );
  await app.close();
});

test('a batch over maxBatchSize is 413 KHIEN_ERR_BATCH_TOO_LARGE', async () => {
  const { app } = await edgeServer();
  const signals = Array.from({ length: 4 }, () => ({ type: 'pdq', value: PDQ }));
  const res = await match(app, { signals });
  assert.equal(res.statusCode, 413);
  assert.deepEqual(
    res.json(),
    errorBody('KHIEN_ERR_BATCH_TOO_LARGE', 'expected at most 3 signals per match request, got 4', {
      max: 3,
      got: 4,
    }),
  );
  assert.equal((await match(app, { signals: signals.slice(1) })).statusCode, 200);
  await app.close();
});

test('a JSON body over maxJsonBodyBytes is 413 KHIEN_ERR_PAYLOAD_TOO_LARGE', async () => {
  const { app } = await edgeServer();
  const res = await match(app, { signals: [{ type: 'pdq', value: PDQ }], pad: 'x'.repeat(3000) });
  assert.equal(res.statusCode, 413);
  assert.deepEqual(
    res.json(),
    errorBody('KHIEN_ERR_PAYLOAD_TOO_LARGE', 'the request body exceeds maxJsonBodyBytes'),
  );
  await app.close();
});

test('uploads: over maxUploadBytes is 413, wrong or missing file fields are 400', async () => {
  const { app, fake } = await edgeServer();
  const upload = (u: SendOptions['upload']) =>
    send(app, 'POST', '/v1/match', { key: 'k1', upload: u });

  const big = await upload({ media: Buffer.alloc(1001, 1) });
  assert.equal(big.statusCode, 413);
  assert.deepEqual(
    big.json(),
    errorBody('KHIEN_ERR_PAYLOAD_TOO_LARGE', 'the uploaded file exceeds maxUploadBytes'),
  );

  const none = await upload({ fields: {} });
  assert.deepEqual(
    none.json(),
    errorBody(
      'KHIEN_ERR_INVALID_ARGUMENT',
      'expected a file in the multipart field "media", got none',
      {
        field: 'media',
      },
    ),
  );

  const stray = await upload({ media: Buffer.from('abc'), fields: { colour: 'red' } });
  assert.deepEqual(
    stray.json(),
    errorBody('KHIEN_ERR_INVALID_ARGUMENT', 'unknown multipart field "colour"; expected "media"', {
      field: 'colour',
    }),
  );

  const emptyFile = await upload({ media: Buffer.alloc(0) });
  assert.equal(emptyFile.json().error.message, 'the uploaded file is empty (0 bytes)');

  const ok = await upload({ media: Buffer.alloc(1000, 1) });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(fake.calls, ['matchImage 1000']);
  await app.close();
});

test('an unexpected failure is 500 without leaking its message', async () => {
  const { app } = await edgeServer();
  const res = await send(app, 'GET', '/v1/banks', { key: 'k1' });
  assert.equal(res.statusCode, 500);
  assert.deepEqual(
    res.json(),
    errorBody('KHIEN_ERR_INTERNAL', 'an unexpected failure; see the server log'),
  );
  await app.close();
});

test('each key has its own rate limit; over it is 429 with Retry-After', async () => {
  const { app } = await edgeServer({ rateLimitPerMinute: 2 });
  const body = { signals: [{ type: 'pdq', value: PDQ }] };
  assert.equal((await match(app, body)).statusCode, 200);
  assert.equal((await match(app, body)).statusCode, 200);

  const over = await match(app, body);
  assert.equal(over.statusCode, 429);
  assert.equal(over.headers['retry-after'], '60');
  assert.deepEqual(
    over.json(),
    errorBody(
      'KHIEN_ERR_RATE_LIMITED',
      'expected at most 2 requests per minute for this key, got more; retry in 1 minute',
      { keyId: 'k1', limitPerMinute: 2, retryAfterSeconds: 60 },
    ),
  );
  assert.equal((await match(app, body, 'k2')).statusCode, 200);
  assert.equal((await send(app, 'GET', '/healthz')).statusCode, 200);
  await app.close();
});

test('x-ratelimit-* headers are on answers to authenticated /v1 requests, errors included', async () => {
  const { app } = await edgeServer({ rateLimitPerMinute: 3 });
  const limited = (res: { headers: Record<string, unknown> }) =>
    ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((h) => res.headers[h]);

  const ok = await match(app, { signals: [{ type: 'pdq', value: PDQ }] });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(limited(ok), ['3', '2', '60']);
  const invalid = await match(app, { signals: 'abc' });
  assert.equal(invalid.statusCode, 400);
  assert.deepEqual(limited(invalid), ['3', '1', '60']);

  // No key, no counter to report; a path with no endpoint is refused before authentication.
  const unauthenticated = await send(app, 'GET', '/v1/banks');
  assert.equal(unauthenticated.statusCode, 401);
  assert.deepEqual(limited(unauthenticated), [undefined, undefined, undefined]);
  const missing = await send(app, 'GET', '/v1/nothing-here', { key: 'k1' });
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(limited(missing), [undefined, undefined, undefined]);
  await app.close();
});

test('a trailing slash routes as the path without it', async () => {
  const { app, fake } = await edgeServer();
  const res = await send(app, 'POST', '/v1/match/', {
    key: 'k1',
    json: { signals: [{ type: 'pdq', value: PDQ }] },
  });
  assert.equal(res.statusCode, 200);
  assert.equal(fake.calls.length, 1);

  // Listing banks reaches the service (which fails here), not path validation of an empty id.
  const banks = await send(app, 'GET', '/v1/banks/', { key: 'k1' });
  assert.equal(banks.json().error.code, 'KHIEN_ERR_INTERNAL');
  assert.equal((await send(app, 'GET', '/healthz/')).statusCode, 200);
  await app.close();
});

test('metrics count requests by route and status, matches, and the index size', async () => {
  const { app, fake } = await edgeServer();
  fake.ready = true;
  await match(app, {
    signals: [
      { type: 'pdq', value: PDQ },
      { type: 'md5', value: 'ab' },
    ],
  });
  await send(app, 'GET', '/v1/nothing');

  const res = await send(app, 'GET', '/metrics');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  const lines = res.body.split('\n');
  for (const expected of [
    'khien_http_requests_total{method="POST",route="/v1/match",status="200"} 1',
    'khien_http_requests_total{method="GET",route="unmatched",status="404"} 1',
    'khien_match_queries_total 2',
    'khien_match_hits_total 0',
    'khien_index_signals 42',
  ]) {
    assert.ok(lines.includes(expected), `metrics lack: ${expected}`);
  }
  assert.ok(
    lines.some((l) => l.startsWith('khien_http_request_duration_seconds_bucket{le="0.005"')),
  );
  assert.ok(lines.some((l) => l.startsWith('khien_process_resident_memory_bytes')));
  await app.close();
});

test('the OpenAPI document is valid OpenAPI 3 and documents exactly the registered routes', async () => {
  const { app } = await edgeServer();
  const res = await send(app, 'GET', '/openapi.json');
  assert.equal(res.statusCode, 200);
  const doc = res.json();

  const validation = await new Validator().validate(doc);
  assert.deepEqual(validation, { valid: true });

  const documented: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
    for (const method of Object.keys(ops)) {
      documented.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
  }
  assert.deepEqual(documented.sort(), registeredRoutes(app));
  assert.ok(documented.length >= 20, `only ${documented.length} operations`);

  const matchOp = doc.paths['/v1/match'].post;
  assert.deepEqual(Object.keys(matchOp.requestBody.content).sort(), [
    'application/json',
    'multipart/form-data',
  ]);
  assert.deepEqual(Object.keys(matchOp.responses).sort(), [
    '200',
    '400',
    '401',
    '403',
    '413',
    '415',
    '422',
    '429',
    '500',
    '503',
  ]);
  assert.deepEqual(matchOp.security, [{ apiKey: [] }]);
  assert.deepEqual(doc.paths['/healthz'].get.security, []);
  await app.close();
});

test('docs/api.md lists every operation of the OpenAPI document', async () => {
  const { app } = await edgeServer();
  const doc = (await send(app, 'GET', '/openapi.json')).json();
  const page = readFileSync('docs/api.md', 'utf8');
  for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
    for (const method of Object.keys(ops)) {
      const operation = `${method.toUpperCase()} ${path}`;
      const row = new RegExp('^\\| `' + operation.replace(/[{}/.]/g, '\\$&') + '` +\\|', 'm');
      assert.match(page, row, `docs/api.md lacks a table row for ${operation}`);
    }
  }
  await app.close();
});
