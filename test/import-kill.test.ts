// SIGKILL during `khien import` (a child process on a real SQLite file): every entry the import
// had reported as committed is in the store after the kill; a re-run resumes and finishes with
// every line imported exactly once; `khien audit verify` passes, then fails naming the row
// after a row of the audit log is edited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

const ENTRY = join('test', 'import-cli-entry.ts');
const LINES = 16_000;

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

test('SIGKILL mid-import loses nothing reported committed; the re-run completes exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'khien-kill-'));
  try {
    const store = ['--data-dir', dir];
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
    const db = new SqliteDatabase(join(dir, 'khien.sqlite'), { readonly: true });
    const present = (n: number) =>
      db.prepare('select count(*) as c from entries where external_id = ?').get(`p${n}`) as {
        c: number;
      };
    const total = () => (db.prepare('select count(*) as c from entries').get() as { c: number }).c;
    const afterKill = total();
    assert.ok(
      afterKill >= reported && afterKill < LINES,
      `${afterKill} after kill, ${reported} reported`,
    );
    for (const n of [0, 1, reported - 2, reported - 1]) assert.equal(present(n).c, 1, `p${n}`);

    const rerun = khien([...args, '--json']);
    assert.equal(rerun.status, 0, rerun.stderr);
    const report = JSON.parse(rerun.stdout);
    assert.deepEqual([report.resumed, report.committed, report.duplicates], [true, LINES, 0]);
    assert.equal(total(), LINES);
    const distinct = db.prepare('select count(distinct external_id) as c from entries').get() as {
      c: number;
    };
    assert.equal(distinct.c, LINES);
    db.close();

    const ok = khien(['audit', 'verify', ...store]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /audit chain ok: \d+ rows/);
    const rw = new SqliteDatabase(join(dir, 'khien.sqlite'));
    rw.prepare("update audit_log set org_id = 'someone else' where seq = 5").run();
    rw.close();
    const broken = khien(['audit', 'verify', ...store]);
    assert.equal(broken.status, 1);
    assert.match(broken.stdout, /BROKEN at row 5: row 5 was altered/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
