// The store commands as a user runs them (child processes on a fresh SQLite directory):
// bootstrap prints the key once and refuses a second time, bank create/list, a CSV import
// with a rejected line (exit 1, the line named), and export as JSON lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function khien(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join('test', 'import-cli-entry.ts'), ...args],
    { encoding: 'utf8' },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bootstrap, bank, import and export from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'khien-cli-'));
  try {
    const store = ['--data-dir', dir];
    const boot = khien(['admin', 'bootstrap', '--org', 'Cục An ninh mạng', ...store]);
    assert.equal(boot.status, 0, boot.stderr);
    const adminKey = boot.stdout.match(/khien_[0-9a-z]{16}_[0-9a-z]{40}/)![0];
    assert.match(boot.stdout, /Created organisation Cục An ninh mạng \(org_/);
    const again = khien(['admin', 'bootstrap', '--org', 'Other', '--json', ...store]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /KHIEN_ERR_ALREADY_BOOTSTRAPPED/);

    const denied = khien(['bank', 'create', '--name', 'x', '--api-key', adminKey, ...store]);
    assert.equal(denied.status, 2);
    assert.match(denied.stderr, /KHIEN_ERR_ROLE_MISSING: this action needs the curator role/);
    const orgs = khien([
      'admin',
      'org',
      'create',
      '--name',
      'Hotline',
      '--kind',
      'hotline',
      '--api-key',
      adminKey,
      ...store,
    ]);
    const hotline = JSON.parse(orgs.stdout);
    const made = khien([
      'admin',
      'key',
      'create',
      '--org',
      hotline.id,
      '--roles',
      'curator,contributor',
      '--api-key',
      adminKey,
      ...store,
    ]);
    const key = JSON.parse(made.stdout).key as string;

    const bank = khien([
      'bank',
      'create',
      '--name',
      'national',
      '--max-distance',
      '20',
      '--no-dihedral',
      '--json',
      '--api-key',
      key,
      ...store,
    ]);
    assert.equal(bank.status, 0, bank.stderr);
    const b = JSON.parse(bank.stdout);
    assert.deepEqual(b.policy, { pdqMaxDistance: 20, minQuality: 50, dihedral: false });
    const list = khien(['bank', 'list', '--json', '--api-key', key, ...store]);
    assert.deepEqual(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
      [b.id],
    );

    const csv = join(dir, 'list.csv');
    const pdqs = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    writeFileSync(csv, `pdq,quality,external_id\n${pdqs[0]},90,a\nzz,90,b\n${pdqs[1]},90,c\n`);
    const imp = khien(['import', csv, '--bank', b.id, '--api-key', key, ...store]);
    assert.equal(imp.status, 1);
    assert.match(
      imp.stdout,
      /^imported 2 entries in this run, 2 in all \(job imp_\w+\); 0 duplicates skipped, 1 lines rejected\n$/,
    );
    assert.match(imp.stderr, /line 3: KHIEN_ERR_HASH_MALFORMED/);

    const out = join(dir, 'export.jsonl');
    const exp = khien(['export', '--bank', b.id, '--output', out, '--api-key', key, ...store]);
    assert.equal(exp.status, 0, exp.stderr);
    const stdout = khien(['export', '--bank', b.id, '--api-key', key, ...store]).stdout;
    const records = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      records.map((r) => [r.status, r.signals[0].value, r.provenance.externalId]),
      [
        ['pending', pdqs[0], 'a'],
        ['pending', pdqs[1], 'c'],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
