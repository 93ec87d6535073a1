// SIGKILL during `khien import` (a child process on a real SQLite file, and on a fresh
// PostgreSQL database): every entry the import had reported as committed is in the store after
// the kill; a re-run resumes and finishes with every line imported exactly once, saying how
// many this run added; `khien audit verify` passes, then fails naming the row after a row of the
// audit log is edited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { POSTGRES, PG_URL } from './store-factory.js';

const ENTRY = join('test', 'import-cli-entry.ts');
const LINES = 10_000;

/** Where the CLI keeps its store, and how the test reads and tampers with it. */
interface Target {
  readonly args: string[];
  /** Resume with `--json` (else the text line). */
  readonly json: boolean;
  count(where: string, param?: string): Promise<number>;
  exec(statement: string): Promise<void>;
  close(): Promise<void>;
}

function khien(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs an import and SIGKILLs it once it has reported `atLeast` committed entries. */
function importUntilKilled(args: string[], atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let reported = 0;
    let buffered = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      for (const m of buffered.matchAll(/checkpoint committed=(\d+)/g)) {
        reported = Math.max(reported, Number(m[1]));
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      if (reported >= atLeast && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(reported);
      else reject(new Error(`import ended before it was killed (code ${code})`));
    });
  });
}

function sqliteTarget(dir: string): Target {
  const file = join(dir, 'khien.sqlite');
  return {
    args: ['--data-dir', dir],
    json: false,
    async count(where, param) {
      const db = new SqliteDatabase(file, { readonly: true });
      const q = db.prepare(
        `select count(${where.startsWith('distinct') ? where : '*'}) as c from entries` +
          (where.startsWith('distinct') || where === '' ? '' : ` where ${where}`),
      );
      const row = (param === undefined ? q.get() : q.get(param)) as { c: number };
      db.close();
      return row.c;
    },
    async exec(statement) {
      const db = new SqliteDatabase(file);
      db.prepare(statement).run();
      db.close();
    },
    close: async () => undefined,
  };
}

async function postgresTarget(): Promise<Target> {
  const name = `khien_kill_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  let connected = false;
  return {
    args: ['--database-url', url.toString()],
    json: true,
    async count(where, param) {
      if (!connected) await client.connect();
      connected = true;
      const distinct = where.startsWith('distinct');
      const text =
        `select count(${distinct ? where : '*'})::int as c from entries` +
        (distinct || where === '' ? '' : ` where ${where.replace('?', '$1')}`);
      const r = await client.query(text, param === undefined ? [] : [param]);
      return r.rows[0].c as number;
    },
    async exec(statement) {
      if (!connected) await client.connect();
      connected = true;
      await client.query(statement);
    },
    async close() {
      if (connected) await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function killAndResume(t: Target, dir: string): Promise<void> {
  const store = t.args;
  const boot = khien(['admin', 'bootstrap', '--org', 'Authority', '--json', ...store]);
  assert.equal(boot.status, 0, boot.stderr);
  const { organisation, key: adminKey } = JSON.parse(boot.stdout);
  const made = khien([
    'admin',
    'key',
    'create',
    '--org',
    organisation.id,
    '--roles',
    'curator,contributor',
    '--api-key',
    adminKey,
    ...store,
  ]);
  assert.equal(made.status, 0, made.stderr);
  const key = JSON.parse(made.stdout).key as string;
  const bank = khien([
    'bank',
    'create',
    '--name',
    'national',
    '--json',
    '--api-key',
    key,
    ...store,
  ]);
  assert.equal(bank.status, 0, bank.stderr);
  const bankId = JSON.parse(bank.stdout).id as string;

  const input = join(dir, 'partner.jsonl');
  const lines = Array.from({ length: LINES }, (_, i) =>
    JSON.stringify({ pdq: randomBytes(32).toString('hex'), quality: 90, externalId: `p${i}` }),
  );
  writeFileSync(input, lines.join('\n') + '\n');
  const args = [
    'import',
    input,
    '--bank',
    bankId,
    '--chunk-size',
    '500',
    '--api-key',
    key,
    ...store,
  ];

  const reported = await importUntilKilled(args, 3000);
  const afterKill = await t.count('');
  assert.ok(
    afterKill >= reported && afterKill < LINES,
    `${afterKill} after kill, ${reported} reported`,
  );
  for (const n of [0, 1, reported - 2, reported - 1]) {
    assert.equal(await t.count('external_id = ?', `p${n}`), 1, `p${n}`);
  }

  // The final line counts this run's entries apart from the job's total (SQLite: as text,
  // PostgreSQL: as JSON).
  const rerun = khien(t.json ? [...args, '--json'] : args);
  assert.equal(rerun.status, 0, rerun.stderr);
  if (t.json) {
    const report = JSON.parse(rerun.stdout);
    assert.deepEqual(
      [report.resumed, report.committed, report.committedThisRun, report.duplicates],
      [true, LINES, LINES - afterKill, 0],
    );
  } else {
    assert.match(
      rerun.stdout,
      new RegExp(
        `^imported ${LINES - afterKill} entries in this run, ${LINES} in all ` +
          '\\(job imp_\\w+, resumed\\); 0 duplicates skipped, 0 lines rejected\\n$',
      ),
    );
  }
  assert.equal(await t.count(''), LINES);
  assert.equal(await t.count('distinct external_id'), LINES);

  const ok = khien(['audit', 'verify', ...store]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /audit chain ok: \d+ rows/);
  await t.exec("update audit_log set org_id = 'someone else' where seq = 5");
  const broken = khien(['audit', 'verify', ...store]);
  assert.equal(broken.status, 1);
  assert.match(broken.stdout, /BROKEN at row 5: row 5 was altered/);
}

test('SQLite: SIGKILL mid-import loses nothing reported committed; the re-run is exact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'khien-kill-'));
  try {
    await killAndResume(sqliteTarget(dir), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: SIGKILL mid-import loses nothing reported committed; the re-run is exact', async (t) => {
  const skip = await POSTGRES.skip();
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'khien-kill-pg-'));
  const target = await postgresTarget();
  try {
    await killAndResume(target, dir);
  } finally {
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
