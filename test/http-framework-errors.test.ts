// Requests fastify refuses before routing (a path that is not valid percent-encoding, a path
// parameter over the router's length limit) answer in the one error shape with a catalogue
// code, like every other failure; fastify's own body for them is a different shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorBody, send, startTestServer } from './http-harness.js';

test('a path that is not valid percent-encoding is 400 in the catalogue error shape', async () => {
  const server = await startTestServer();
  try {
    const res = await send(server.app, 'GET', '/v1/entries/%E0%A4%A');

    assert.equal(res.statusCode, 400);
    assert.deepEqual(
      res.json(),
      errorBody(
        'KHIEN_ERR_INVALID_ARGUMENT',
        'the request path is not valid percent-encoding: /v1/entries/%E0%A4%A',
        { path: '/v1/entries/%E0%A4%A' },
      ),
    );
    assert.ok(res.headers['x-request-id']);
  } finally {
    await server.close();
  }
});

test('a path parameter over the router limit is 400 in the catalogue error shape', async () => {
  const server = await startTestServer();
  try {
    const id = 'a'.repeat(1200);
    const res = await send(server.app, 'GET', `/v1/entries/${id}`);

    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'KHIEN_ERR_INVALID_ARGUMENT');
    assert.match(res.json().error.message, /^a path parameter is longer than \d+ characters/);
    assert.ok(res.headers['x-request-id']);
  } finally {
    await server.close();
  }
});

test('an id over the schema limit but within the router limit is named by validation', async () => {
  const server = await startTestServer();
  try {
    const res = await send(server.app, 'GET', `/v1/entries/${'a'.repeat(300)}`, {
      key: 'khien_x_y',
    });

    // Authentication runs first; what matters is the shape, not fastify's 414 body.
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'KHIEN_ERR_UNAUTHENTICATED');
  } finally {
    await server.close();
  }
});
