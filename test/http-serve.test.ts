// `khien serve` for real: the command listens on a local port, says where and how to bootstrap
// an empty database, answers over TCP, and stops cleanly on SIGTERM. And readiness with the
// real service: /readyz and matching answer 503 until the match index is loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorBody, send, startTestServer } from './http-harness.js';

/** Runs the CLI from source (no build needed) with `args`. */
function khien(args: string[], env: Record<string, string> = {}) {
  const script = `import('./src/cli/main.ts').then(async (m) => {
    process.exitCode = await m.main(${JSON.stringify(args)});
  })`;
  return spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, KHIEN_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('khien serve listens, prints where and how to bootstrap, answers, and stops on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'khien-serve-'));
  const server = khien(['serve', '--data-dir', dataDir, '--port', '0']);
  let stdout = '';
  server.stdout.on('data', (chunk) => (stdout += chunk));
  let stderr = '';
  server.stderr.on('data', (chunk) => (stderr += chunk));

  try {
    const deadline = Date.now() + 60_000;
    while (!/readiness: (\S+)\/readyz/.test(stdout) || !/bootstrap/.test(stdout)) {
      assert.ok(Date.now() < deadline, `no start-up lines; stdout: ${stdout} stderr: ${stderr}`);
      assert.equal(server.exitCode, null, `serve exited early: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /Khiên is listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout)![1];
    assert.match(
      stdout,
      /The database is empty\. Create the first organisation and its admin key with:\n {2}npx khien admin bootstrap --org "Your organisation" --data-dir /,
    );

    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    let ready = await fetch(`${url}/readyz`);
    for (let i = 0; i < 100 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await fetch(`${url}/readyz`);
    }
    const readiness = (await ready.json()) as {
      status: string;
      indexedSignals: number;
      loadMs: unknown;
    };
    assert.deepEqual([readiness.status, readiness.indexedSignals], ['ready', 0]);
    assert.equal(typeof readiness.loadMs, 'number');
    const unauthenticated = await fetch(`${url}/v1/banks`);
    assert.equal(unauthenticated.status, 401);

    server.kill('SIGTERM');
    const [code] = await once(server, 'exit');
    assert.equal(code, 0, stderr);
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('an invalid setting stops serve before it listens, naming the setting', async () => {
  const server = khien(['serve', '--port', '70000']);
  let stderr = '';
  server.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(server, 'exit');
  assert.equal(code, 2);
  assert.match(
    stderr,
    /KHIEN_ERR_CONFIG_INVALID: invalid configuration: port \(--port, KHIEN_PORT\): Number must be less than or equal to 65535, got "70000"/,
  );
});

test('a port in use is KHIEN_ERR_LISTEN_FAILED saying so, status 2, no stack trace', async () => {
  const taken = createServer().listen(0, '127.0.0.1');
  await once(taken, 'listening');
  const port = (taken.address() as AddressInfo).port;
  const dataDir = mkdtempSync(join(tmpdir(), 'khien-serve-busy-'));
  try {
    const server = khien(['serve', '--data-dir', dataDir, '--port', String(port)]);
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(server, 'exit');
    assert.equal(code, 2);
    assert.equal(
      stderr,
      `khien: KHIEN_ERR_LISTEN_FAILED: cannot listen on 127.0.0.1:${port}: the port is in use ` +
        'by another process (--port picks another) (EADDRINUSE)\n',
    );
  } finally {
    taken.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('/readyz and matching are 503 until the match index is loaded, then ready', async () => {
  const server = await startTestServer({ start: false });
  try {
    const boot = await server.service.bootstrap({ orgName: 'Root' });
    const admin = await server.service.authenticate(boot.key, 'setup');
    const matcher = await server.service.createKey(admin, {
      orgId: boot.organisation.id,
      roles: ['matcher'],
    });

    const before = await send(server.app, 'GET', '/readyz');
    assert.equal(before.statusCode, 503);
    assert.deepEqual(
      before.json(),
      errorBody('KHIEN_ERR_NOT_READY', 'the match index is still loading', { indexedSignals: 0 }),
    );
    const query = { signals: [{ type: 'md5', value: '0'.repeat(32) }] };
    const early = await send(server.app, 'POST', '/v1/match', { key: matcher.key, json: query });
    assert.equal(early.statusCode, 503);
    assert.equal(early.json().error.code, 'KHIEN_ERR_NOT_READY');

    await server.service.start();
    const after = await send(server.app, 'GET', '/readyz');
    assert.equal(after.statusCode, 200);
    assert.equal(after.json().status, 'ready');
    const late = await send(server.app, 'POST', '/v1/match', { key: matcher.key, json: query });
    assert.equal(late.statusCode, 200);
  } finally {
    await server.close();
  }
});
