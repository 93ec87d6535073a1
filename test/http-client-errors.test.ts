// What Node's HTTP parser refuses before fastify sees a request, and the time limits of a
// connection, over raw TCP sockets against a listening server: every such answer has the one
// error body shape, a catalogue code, Content-Length and Connection: close, and a stalled
// request is cut off within the configured limit instead of Node's minutes.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect, Socket, type AddressInfo } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config/index.js';
import { KhienError } from '../src/errors/index.js';
import { logger } from '../src/log/logger.js';
import { buildServer } from '../src/server/build-server.js';
import { clientErrorHandler } from '../src/server/client-errors.js';
import type { KhienService } from '../src/service/khien-service.js';
import type { Actor, MatchInput } from '../src/service/types.js';

const HEADERS_TIMEOUT_MS = 200;
const REQUEST_TIMEOUT_MS = 400;
const KEEP_ALIVE_TIMEOUT_MS = 300;

/** The little of KhienService these requests reach: the key `k1` and an empty match. */
const fakeService = {
  health: () => ({ ready: true, indexedSignals: 0, loadMs: 0 }),
  async authenticate(rawKey: string, requestId: string): Promise<Actor> {
    if (rawKey !== 'k1') throw new KhienError('KHIEN_ERR_UNAUTHENTICATED', 'not a key');
    return { orgId: 'org-1', keyId: 'k1', roles: ['matcher'], requestId };
  },
  async match(_actor: Actor, input: MatchInput) {
    return { results: input.signals.map(() => ({ matches: [] })) };
  },
};

const settings = {
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  headersTimeoutMs: HEADERS_TIMEOUT_MS,
  keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
};
let app: FastifyInstance;
let port: number;

before(async () => {
  const config = loadConfig({ env: {}, flags: settings });
  app = await buildServer({ service: fakeService as unknown as KhienService, config });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
after(() => app.close());

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Milliseconds from the first byte sent until the server closed the connection. */
  readonly closedAfterMs: number;
}

/** Longer than any limit configured here: a connection still open then is a failure. */
const GIVE_UP_MS = 5000;

/** Sends `data` on a fresh connection and reads until the server closes it. */
function rawRequest(data: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let received = '';
    const giveUp = setTimeout(() => {
      reject(new Error(`still open after ${GIVE_UP_MS} ms; received ${JSON.stringify(received)}`));
      socket.destroy();
    }, GIVE_UP_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(giveUp);
      try {
        resolve({ ...parseResponse(received), closedAfterMs: Date.now() - started });
      } catch (err) {
        reject(err as Error);
      }
    });
    socket.write(data);
  });
}

/** One HTTP/1.1 response: its status, lower-cased headers and body. */
function parseResponse(text: string): Omit<RawAnswer, 'closedAfterMs'> {
  const end = text.indexOf('\r\n\r\n');
  assert.ok(end > 0, `no complete response head in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) };
}

/** Checks the framing every refusal shares and returns the parsed error body. */
function assertErrorAnswer(answer: RawAnswer, status: number) {
  assert.equal(answer.status, status, answer.body);
  assert.equal(answer.headers.connection, 'close');
  assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(Number(answer.headers['content-length']), Buffer.byteLength(answer.body));
  assert.match(answer.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  return JSON.parse(answer.body) as { error: { code: string; message: string; details: object } };
}

const matchHead = (contentLength: number) =>
  'POST /v1/match HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer k1\r\n' +
  `Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;

test('a body sent only in part is 408 within requestTimeoutMs, and the connection closes', async () => {
  const answer = await rawRequest(matchHead(1000) + '{"signals"');

  assert.deepEqual(assertErrorAnswer(answer, 408), {
    error: {
      code: 'KHIEN_ERR_REQUEST_TIMEOUT',
      message:
        'the request was not received in time: expected the headers within 200 ms ' +
        'and the whole request within 400 ms',
      details: { headersTimeoutMs: 200, requestTimeoutMs: 400 },
    },
  });
  assert.ok(answer.closedAfterMs >= REQUEST_TIMEOUT_MS - 50, `${answer.closedAfterMs} ms`);
  assert.ok(answer.closedAfterMs < REQUEST_TIMEOUT_MS + 1000, `${answer.closedAfterMs} ms`);
});

test('headers sent only in part are 408 within headersTimeoutMs', async () => {
  const answer = await rawRequest('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');

  assert.equal(assertErrorAnswer(answer, 408).error.code, 'KHIEN_ERR_REQUEST_TIMEOUT');
  assert.ok(answer.closedAfterMs >= HEADERS_TIMEOUT_MS - 50, `${answer.closedAfterMs} ms`);
  assert.ok(answer.closedAfterMs < REQUEST_TIMEOUT_MS, `${answer.closedAfterMs} ms`);
});

test('a connection left idle after a complete request is closed after keepAliveTimeoutMs', async () => {
  const answer = await rawRequest('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');

  assert.equal(answer.status, 200);
  assert.equal(answer.body, '{"status":"ok"}');
  // Node waits one second more than the limit before closing (a margin for a request in the
  // pipe); the point is seconds, not the 72 s default.
  const idle = answer.closedAfterMs;
  assert.ok(idle >= KEEP_ALIVE_TIMEOUT_MS - 50 && idle < KEEP_ALIVE_TIMEOUT_MS + 2000, `${idle}`);
});

test('an answer sent before the body has arrived closes the connection, with no second answer', async () => {
  const answer = await rawRequest(
    'POST /v1/match HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      'Content-Length: 1000\r\n\r\n{"signals"',
  );

  assert.equal(answer.status, 401);
  assert.equal(answer.headers.connection, 'close');
  assert.equal(JSON.parse(answer.body).error.code, 'KHIEN_ERR_UNAUTHENTICATED');
  assert.ok(answer.closedAfterMs < REQUEST_TIMEOUT_MS, `${answer.closedAfterMs} ms`);
});

test('a 100 KB URL or a 20 KB header is 431 KHIEN_ERR_HEADERS_TOO_LARGE', async () => {
  const url = await rawRequest(`GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  const header = await rawRequest(
    `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'b'.repeat(20_000)}\r\n\r\n`,
  );

  for (const answer of [url, header]) {
    assert.deepEqual(assertErrorAnswer(answer, 431), {
      error: {
        code: 'KHIEN_ERR_HEADERS_TOO_LARGE',
        message: 'expected the request line and headers in at most 16384 bytes, got more',
        details: { maxHeaderBytes: 16384 },
      },
    });
  }
});

test('requests that are not HTTP/1.1 are 400 KHIEN_ERR_MALFORMED_REQUEST naming the fault', async () => {
  const cases = [
    {
      request: 'this is not http\r\n\r\n',
      reason: 'Invalid method encountered',
      parserError: 'HPE_INVALID_METHOD',
    },
    {
      request: 'POST /v1/match HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n',
      reason: 'Invalid character in Content-Length',
      parserError: 'HPE_INVALID_CONTENT_LENGTH',
    },
    {
      request:
        'POST /v1/match HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer k1\r\n' +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n',
      reason: 'Invalid character in chunk size',
      parserError: 'HPE_INVALID_CHUNK_SIZE',
    },
  ];
  for (const { request, reason, parserError } of cases) {
    const answer = await rawRequest(request);
    assert.deepEqual(assertErrorAnswer(answer, 400), {
      error: {
        code: 'KHIEN_ERR_MALFORMED_REQUEST',
        message: `the request is not valid HTTP/1.1: ${reason}`,
        details: { parserError },
      },
    });
  }
});

test('a valid request pipelined before bad bytes is answered first, then the refusal', async () => {
  const body = JSON.stringify({ signals: [{ type: 'md5', value: 'ab'.repeat(16) }] });
  for (const [first, status] of [
    ['GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n', 200],
    [matchHead(Buffer.byteLength(body)) + body, 200], // answered after async work
  ] as const) {
    for (const [bad, code] of [
      ['FOO\r\n\r\n', 400],
      [`GET /${'x'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`, 431],
    ] as const) {
      const answer = await rawRequest(first + bad);
      assert.equal(answer.status, status, "the first answer is the first request's");
      const firstLength = Number(answer.headers['content-length']);
      const rest = answer.body.slice(firstLength);
      assert.match(rest, new RegExp(`^HTTP/1\\.1 ${code} `), JSON.stringify(rest.slice(0, 80)));
      const refusal = parseResponse(rest);
      assert.equal(refusal.headers.connection, 'close');
    }
  }
});

test('several valid requests pipelined before bad bytes are all answered, in order, first', async () => {
  const body = JSON.stringify({ signals: [{ type: 'md5', value: 'ab'.repeat(16) }] });
  const valid = [
    'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n',
    matchHead(Buffer.byteLength(body)) + body,
    'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n',
  ].join('');
  const answer = await rawRequest(valid + 'FOO\r\n\r\n');
  // The first response's head was parsed off; the others are in its body's tail.
  const statuses = [
    answer.status,
    ...[...answer.body.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1])),
  ];
  assert.deepEqual(statuses, [200, 200, 200, 400]);
});

test('a pipelined request refused in its body gets one answer, not its own and ours', async () => {
  const badChunked =
    'POST /v1/match HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
    'Transfer-Encoding: chunked\r\n\r\nzz\r\n';
  for (const auth of ['', 'Authorization: Bearer k1\r\n']) {
    const bad = auth === '' ? badChunked : badChunked.replace('\r\n\r\n', `\r\n${auth}\r\n`);
    for (let round = 0; round < 5; round++) {
      const answer = await rawRequest('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n' + bad);
      assert.equal(answer.status, 200);
      const rest = answer.body.slice(Number(answer.headers['content-length']));
      const statuses = [...rest.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
      assert.equal(statuses.length, 1, `answers after the first: ${statuses.join(', ')}`);
    }
  }
});

test('a well-formed request still answers normally over the same server', async () => {
  const body = '{"signals":[{"type":"md5","value":"d41d8cd98f00b204e9800998ecf8427e"}]}';
  const answer = await rawRequest(
    matchHead(Buffer.byteLength(body)).replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n') + body,
  );
  assert.equal(answer.status, 200, answer.body);
  assert.deepEqual(JSON.parse(answer.body), { results: [{ matches: [] }] });
});

test('nothing is written to a socket that is reset or already destroyed', () => {
  const config = loadConfig({ env: {}, flags: settings });
  const handler = clientErrorHandler(config, logger);
  const parseError = (code: string) => Object.assign(new Error(code), { code }) as ConnectionError;

  for (const [err, destroyFirst] of [
    [parseError('ECONNRESET'), false],
    [parseError('EPIPE'), false],
    [parseError('HPE_INVALID_METHOD'), true],
  ] as const) {
    const socket = new Socket();
    const written: unknown[] = [];
    socket.write = ((chunk: unknown) => written.push(chunk) > 0) as Socket['write'];
    socket.end = ((chunk: unknown) => (written.push(chunk), socket)) as Socket['end'];
    if (destroyFirst) socket.destroy();

    handler(err, socket);
    assert.deepEqual(written, [], err.code);
    assert.equal(socket.destroyed, true, err.code);
  }
});

test('the time limits default to 30 s per request, 10 s for headers and 72 s idle', async () => {
  const config = loadConfig({ env: {}, flags: {} });
  const server = await buildServer({ service: fakeService as unknown as KhienService, config });
  await server.ready();
  assert.deepEqual(
    [server.server.requestTimeout, server.server.headersTimeout, server.server.keepAliveTimeout],
    [30_000, 10_000, 72_000],
  );
  await server.close();
});
