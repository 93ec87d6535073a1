import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKhienError } from '../errors/index.js';
import { loadConfig } from './load-config.js';

test('defaults, then environment, then flags', () => {
  assert.equal(loadConfig({ env: {} }).maxImageBytes, 50 * 1024 * 1024);
  assert.equal(loadConfig({ env: { KHIEN_MAX_IMAGE_BYTES: '10' } }).maxImageBytes, 10);
  const cfg = loadConfig({ env: { KHIEN_MAX_IMAGE_BYTES: '10' }, flags: { maxImageBytes: '20' } });
  assert.equal(cfg.maxImageBytes, 20);
  assert.ok(Object.isFrozen(cfg));
});

test('an invalid value is refused with a coded error naming the setting', () => {
  assert.throws(
    () => loadConfig({ env: { KHIEN_MAX_IMAGE_BYTES: 'lots' } }),
    (err) => isKhienError(err, 'KHIEN_ERR_CONFIG_INVALID') && /maxImageBytes/.test(err.message),
  );
});

test('databaseUrl must be empty or a PostgreSQL URL; the message hides its password', () => {
  for (const url of ['postgres://h/db', 'postgresql://u:p@h:5432/db', '']) {
    assert.equal(loadConfig({ env: {}, flags: { databaseUrl: url } }).databaseUrl, url);
  }
  for (const url of ['mysql://x', 'x', 'postgres:/x', 'http://postgres://x']) {
    assert.throws(
      () => loadConfig({ env: {}, flags: { databaseUrl: url } }),
      (err) =>
        isKhienError(err, 'KHIEN_ERR_CONFIG_INVALID') &&
        err.message ===
          'invalid configuration: databaseUrl (--database-url, KHIEN_DATABASE_URL): must be ' +
            `empty (SQLite) or a postgres:// or postgresql:// URL, got ${JSON.stringify(url)}`,
    );
  }
  assert.throws(
    () => loadConfig({ env: { KHIEN_DATABASE_URL: 'mysql://admin:s3cret@db/x' } }),
    (err) => isKhienError(err) && /got "mysql:\/\/admin:\*\*\*@db\/x"$/.test(err.message),
  );
});

test('a data directory and a database URL together are refused, from any source', () => {
  const both = [
    { env: {}, flags: { dataDir: '/tmp/d', databaseUrl: 'postgres://h/db' } },
    { env: { KHIEN_DATABASE_URL: 'postgres://h/db' }, flags: { dataDir: '/tmp/d' } },
    { env: { KHIEN_DATA_DIR: '/tmp/d', KHIEN_DATABASE_URL: 'postgres://h/db' } },
  ];
  for (const sources of both) {
    assert.throws(
      () => loadConfig(sources),
      (err) =>
        isKhienError(err, 'KHIEN_ERR_CONFIG_INVALID') &&
        err.message ===
          'invalid configuration: dataDir (--data-dir, KHIEN_DATA_DIR) and databaseUrl ' +
            '(--database-url, KHIEN_DATABASE_URL) both name a store; give one of them (an empty ' +
            'databaseUrl selects the SQLite file under dataDir)',
    );
  }
  const sqlite = loadConfig({
    env: { KHIEN_DATABASE_URL: 'postgres://h/db' },
    flags: { dataDir: '/tmp/d', databaseUrl: '' },
  });
  assert.deepEqual([sqlite.dataDir, sqlite.databaseUrl], ['/tmp/d', '']);
  const pgOnly = loadConfig({ env: { KHIEN_DATABASE_URL: 'postgres://h/db' } });
  assert.deepEqual([pgOnly.dataDir, pgOnly.databaseUrl], ['./data', 'postgres://h/db']);
});
