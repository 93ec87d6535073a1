// The store as the commands open it (child processes, as a user runs them): commands that read or
// act on an existing store refuse a data directory with none and create nothing; a data
// directory that is a file, or a khien.sqlite that is not a database, is one coded line from
// `serve` and `audit verify`, not a stack trace; a database URL that is not PostgreSQL, and a
// data directory given with a database URL, are refused as configuration; `--version` prints the
// version in package.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENTRY = join('test', 'import-cli-entry.ts');
const KEY = `khien_${'a'.repeat(16)}_${'b'.repeat(40)}`;

const dir = mkdtempSync(join(tmpdir(), 'khien-cli-store-'));
// The store comes from the flags of each test only.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !['KHIEN_DATABASE_URL', 'KHIEN_DATA_DIR', 'KHIEN_CONFIG'].includes(k),
  ),
);
test.after(() => rmSync(dir, { recursive: true, force: true }));

function khien(args: string[]) {
  // A timeout, so that a `serve` which wrongly starts fails the test instead of hanging it.
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit status 2 and exactly one line on stderr: `khien: CODE: message`. */
function assertCodedLine(r: ReturnType<typeof khien>, code: string, message: string): void {
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.equal(r.stderr, `khien: ${code}: ${message}\n`);
  assert.equal(r.stdout, '');
}

test('audit verify, export and bank list refuse a data dir with no store and create nothing', () => {
  const missing = join(dir, 'nonexistent');
  const store = join(missing, 'khien.sqlite');
  const refused =
    `no Khiên store at ${store}: there is no khien.sqlite in ${missing}; ` +
    '`khien serve`, `khien admin bootstrap` or `khien import` creates one';
  for (const args of [
    ['audit', 'verify'],
    ['audit', 'verify', '--json'],
    ['export', '--bank', 'bank_x', '--output', join(missing, 'out.jsonl'), '--api-key', KEY],
    ['bank', 'list', '--api-key', KEY],
    ['bank', 'create', '--name', 'x', '--api-key', KEY],
    ['admin', 'key', 'create', '--org', 'org_x', '--roles', 'matcher', '--api-key', KEY],
  ]) {
    assertCodedLine(khien([...args, '--data-dir', missing]), 'KHIEN_ERR_NOT_FOUND', refused);
    assert.equal(existsSync(missing), false, args.join(' '));
  }
});

test('bootstrap still creates the store, and audit verify then reads it', () => {
  const fresh = join(dir, 'fresh');
  const boot = khien(['admin', 'bootstrap', '--org', 'Authority', '--data-dir', fresh]);
  assert.equal(boot.status, 0, boot.stderr);
  const ok = khien(['audit', 'verify', '--data-dir', fresh]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^audit chain ok: [1-9]\d* rows, head [0-9a-f]{64}\n$/);
});

test('a data dir that is a file is STORE_UNAVAILABLE from serve and audit verify, no stack', () => {
  const file = join(dir, 'c.json');
  writeFileSync(file, '{}');
  const why = `cannot open the SQLite store at ${join(file, 'khien.sqlite')}: ${file} is a file, not a directory`;
  for (const args of [
    ['serve', '--port', '0'],
    ['audit', 'verify'],
    ['admin', 'bootstrap', '--org', 'x'],
  ]) {
    assertCodedLine(khien([...args, '--data-dir', file]), 'KHIEN_ERR_STORE_UNAVAILABLE', why);
  }
  assert.equal(readFileSync(file, 'utf8'), '{}');
});

test('a khien.sqlite of random bytes is STORE_UNAVAILABLE from serve and audit verify', () => {
  const corrupt = join(dir, 'corrupt');
  mkdirSync(corrupt);
  const path = join(corrupt, 'khien.sqlite');
  const bytes = randomBytes(8192);
  writeFileSync(path, bytes);
  const why =
    `cannot open the SQLite store at ${path}: ` +
    'the file is not a SQLite database (corrupt, or some other file)';
  for (const args of [
    ['serve', '--port', '0'],
    ['audit', 'verify'],
  ]) {
    assertCodedLine(khien([...args, '--data-dir', corrupt]), 'KHIEN_ERR_STORE_UNAVAILABLE', why);
  }
  assert.deepEqual(readFileSync(path), bytes);
});

test('a database URL that is not PostgreSQL is refused as configuration, naming the setting', () => {
  const r = khien(['audit', 'verify', '--database-url', 'mysql://x']);
  assertCodedLine(
    r,
    'KHIEN_ERR_CONFIG_INVALID',
    'invalid configuration: databaseUrl (--database-url, KHIEN_DATABASE_URL): must be empty ' +
      '(SQLite) or a postgres:// or postgresql:// URL, got "mysql://x"',
  );
});

test('a data dir and a database URL together are refused, naming both', () => {
  const r = khien([
    'serve',
    '--port',
    '0',
    '--data-dir',
    join(dir, 'both'),
    '--database-url',
    'postgres://postgres@127.0.0.1:1/none',
  ]);
  assertCodedLine(
    r,
    'KHIEN_ERR_CONFIG_INVALID',
    'invalid configuration: dataDir (--data-dir, KHIEN_DATA_DIR) and databaseUrl ' +
      '(--database-url, KHIEN_DATABASE_URL) both name a store; give one of them (an empty ' +
      'databaseUrl selects the SQLite file under dataDir)',
  );
  assert.equal(existsSync(join(dir, 'both')), false);
});

test('--version and -V print the version in package.json', () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = khien([flag]);
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, `${version}\n`, '']);
  }
});
