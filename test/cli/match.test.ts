import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKhienError } from '../../src/errors/index.js';
import { toPdqHex, pdqDistance } from '../../src/core/pdq/pdq-hash.js';
import {
  flipped,
  makeEntries,
  randomHash,
  seededRandom,
} from '../../src/core/index/pdq-index-suite.js';
import { runMatch, type MatchRunOptions } from '../../src/cli/commands/match.js';
import { runCli, runUntilReaderCloses } from '../cli-child.js';

const dir = mkdtempSync(join(tmpdir(), 'khien-match-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const options = (against: string, more: Partial<MatchRunOptions> = {}): MatchRunOptions => ({
  against,
  maxDistance: 31,
  dihedral: false,
  format: 'csv',
  strict: false,
  ...more,
});

test('every bank line within the distance is printed, as brute force finds them', async () => {
  const bank = makeEntries(400, 41, true).map(([, h]) => h);
  const next = seededRandom(42);
  const queries = Array.from({ length: 60 }, (_, k) =>
    k % 2 === 0 ? flipped(bank[next() % bank.length], next() % 40, next) : randomHash(next),
  );
  const bankPath = file(
    'bank.csv',
    bank.map((h, i) => `${toPdqHex(h)},${90 + (i % 10)},/x/${i}.jpg`),
  );
  const queryPath = file('q.txt', queries.map(toPdqHex));
  const { out, io } = capture();
  const summary = await runMatch(queryPath, options(bankPath), io);

  const expected: string[] = [];
  queries.forEach((q, qi) => {
    bank.forEach((b, bi) => {
      const d = pdqDistance(q, b);
      if (d <= 31) expected.push(`${qi + 1},${bi + 1},${d}`);
    });
  });
  assert.ok(expected.length > 30);
  assert.deepEqual(out, expected);
  assert.equal(summary.matches, expected.length);
  assert.equal(summary.badLines, 0);
});

test('json lines, dihedral lines and hasher failure records are read', async () => {
  const next = seededRandom(43);
  const [a, b] = [randomHash(next), randomHash(next)];
  const variants = Array.from({ length: 8 }, (_, v) =>
    v === 5 ? flipped(a, 3, next) : randomHash(next),
  );
  const bankPath = file('bank.json', [
    JSON.stringify({ path: 'x.jpg', pdq: toPdqHex(a), quality: 100 }),
    JSON.stringify({ path: 'bad.jpg', error: { code: 'KHIEN_ERR_IMAGE_CORRUPT', message: 'no' } }),
    `${toPdqHex(b)}`,
  ]);
  const queryPath = file('q-dih.csv', [
    `${variants.map(toPdqHex).join(',')},100,/q/1.jpg`,
    '',
    `${toPdqHex(flipped(b, 31, next))},80,/q/2.jpg`,
  ]);
  const { out, err, io } = capture();
  await runMatch(queryPath, options(bankPath, { dihedral: true, format: 'json' }), io);
  assert.deepEqual(
    out.map((l) => JSON.parse(l)),
    [
      { query_line: 1, bank_line: 1, distance: 3, variant: 5 },
      { query_line: 3, bank_line: 3, distance: 31, variant: 0 },
    ],
  );
  assert.match(err[0], /bank\.json:2: skipped, the hasher failed here \(KHIEN_ERR_IMAGE_CORRUPT\)/);
});

test('bad lines are reported with their line number and skipped; --strict stops', async () => {
  const h = toPdqHex(randomHash(seededRandom(44)));
  const bankPath = file('bank-bad.txt', [h, 'not a hash', `${h.slice(1)},1,x`, '{"pdq": 3}', h]);
  const queryPath = file('q-one.txt', [h]);
  const { out, err, io } = capture();
  const summary = await runMatch(queryPath, options(bankPath), io);
  assert.deepEqual(out, ['1,1,0', '1,5,0']);
  assert.equal(summary.badLines, 3);
  assert.equal(err.length, 3);
  assert.match(err[0], /KHIEN_ERR_HASH_LIST_MALFORMED: .*bank-bad\.txt:line 2: expected a 64-hex/);
  assert.match(err[2], /line 4: expected "pdq" to be 64 hex digits/);
  await assert.rejects(
    runMatch(queryPath, options(bankPath, { strict: true }), capture().io),
    (e) =>
      isKhienError(e, 'KHIEN_ERR_HASH_LIST_MALFORMED') &&
      e.details.line === 2 &&
      /bank-bad\.txt:line 2: expected a 64-hex/.test(e.message),
  );
});

test('the CLI checks --max-distance and exits 1 after skipped lines', () => {
  const h = toPdqHex(randomHash(seededRandom(45)));
  const bankPath = file('bank-cli.txt', [h, 'zz']);
  const queryPath = file('q-cli.txt', [h]);
  const tooFar = runCli(['match', '--against', bankPath, '--max-distance', '64', queryPath]);
  assert.equal(tooFar.status, 2);
  assert.match(
    tooFar.stderr,
    /KHIEN_ERR_INVALID_ARGUMENT: --max-distance must be an integer 0..63, got "64"/,
  );
  const run = runCli(['match', '--against', bankPath, queryPath]);
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '1,1,0\n');
  assert.match(run.stderr, /bank-cli\.txt:line 2/);
});

test('a missing bank or query file is KHIEN_ERR_NOT_FOUND naming it, status 2', () => {
  const h = toPdqHex(randomHash(seededRandom(46)));
  const present = file('present.txt', [h]);
  const missing = join(dir, 'nope.csv');
  for (const args of [
    ['match', '--against', missing, present],
    ['match', '--against', present, missing],
  ]) {
    const run = runCli(args);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    const role = args[2] === missing ? 'bank' : 'query';
    assert.equal(
      run.stderr,
      `khien: KHIEN_ERR_NOT_FOUND: no ${role} list at ${missing} (ENOENT)\n`,
    );
  }
});

test('stops quietly, status 0, when the reader closes stdout early (| head -1)', async () => {
  const next = seededRandom(47);
  const hashes = Array.from({ length: 3000 }, () => toPdqHex(randomHash(next)));
  const bankPath = file('bank-many.txt', hashes);
  const { stderr, status } = await runUntilReaderCloses(['match', '--against', bankPath, bankPath]);
  assert.equal(stderr, '');
  assert.equal(status, 0);
});
