/**
 * vPDQ matching of whole videos as HMA decides: every pair of sample videos is compared through
 * `khien match` (VpdqIndex over the multi-index PDQ index) and the decision and both
 * percentages are checked against a brute-force computation of HMA's semantics written out
 * here. The shared fixtures are used when present, the repo's own videos always.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { runMatch, type MatchRunOptions } from '../src/cli/commands/match.js';
import { pdqDistance, toPdqHex, type PdqHash } from '../src/core/pdq/pdq-hash.js';
import { parseVpdqText, type VpdqFeature } from '../src/core/vpdq/vpdq-feature.js';
import { isKhienError } from '../src/errors/index.js';
import { vpdqMatchOptions } from '../src/media/video-match-command.js';

const FIXTURES = '../shared/fixtures/vpdq-expected';
const DATA = 'test/data';

/** HMA's semantics by brute force: quality >= 50, distinct hashes, any frame within 31. */
function bruteForce(query: VpdqFeature[], banked: VpdqFeature[]) {
  const distinct = (fs: VpdqFeature[]) => {
    const byHex = new Map<string, PdqHash>();
    for (const f of fs) if (f.quality >= 50) byHex.set(toPdqHex(f.hash), f.hash);
    return [...byHex.values()];
  };
  const q = distinct(query);
  const c = distinct(banked);
  const near = (a: PdqHash, side: PdqHash[]) => side.some((b) => pdqDistance(a, b) <= 31);
  const queryPercent = (100 * q.filter((a) => near(a, c)).length) / q.length;
  const bankedPercent = (100 * c.filter((b) => near(b, q)).length) / c.length;
  const anyFrame = q.some((a) => near(a, c));
  return { queryPercent, bankedPercent, anyFrame, match: queryPercent >= 80 && bankedPercent >= 0 };
}

interface Row {
  query: string;
  banked: string;
  match: boolean;
  queryMatchPercent: number;
  bankedMatchPercent: number;
  segments: { start: number; end: number }[];
}

async function match(query: string, against: string, format: 'csv' | 'json' = 'json') {
  const out: string[] = [];
  const run: MatchRunOptions = { against, maxDistance: 31, dihedral: false, format, strict: true };
  const summary = await runMatch(query, run, { out: (l) => out.push(l), err: () => undefined });
  return { out, summary };
}

/** Every pair of a set of vPDQ files: `khien match` against the brute force. */
async function checkAllPairs(dir: string, files: string[]) {
  const decisions = new Map<string, Row>();
  for (const q of files) {
    const { out } = await match(join(dir, q), dir);
    const rows = out.map((l) => JSON.parse(l) as Row);
    for (const b of files) {
      const expected = bruteForce(
        parseVpdqText(readFileSync(join(dir, q), 'utf8')),
        parseVpdqText(readFileSync(join(dir, b), 'utf8')),
      );
      const row = rows.find((r) => r.banked === b);
      assert.equal(
        row !== undefined,
        expected.anyFrame,
        `${q} vs ${b}: reported iff a frame matches`,
      );
      if (row === undefined) continue;
      assert.equal(row.queryMatchPercent, expected.queryPercent, `${q} vs ${b}: query%`);
      assert.equal(row.bankedMatchPercent, expected.bankedPercent, `${q} vs ${b}: banked%`);
      assert.equal(row.match, expected.match, `${q} vs ${b}: decision`);
      decisions.set(`${q} ${b}`, row);
    }
  }
  return decisions;
}

describe('vPDQ matching of sample videos', () => {
  let bankDir: string;
  const fixtures = existsSync(FIXTURES);
  const names = [
    'chair-19-sd-bar',
    'chair-22-sd-sepia-bar',
    'chair-22-with-large-logo-bar',
    'pattern-hd-no-bar',
    'pattern-sd-grey-bar',
    'doorknob-hd-no-bar',
  ];
  before(() => (bankDir = mkdtempSync(join(tmpdir(), 'khien-vmatch-'))));
  after(() => rmSync(bankDir, { recursive: true, force: true }));

  it(
    'every-frame hashes: chair matches its sepia copy, not pattern; as brute force',
    {
      skip: fixtures ? false : `${FIXTURES} is absent`,
    },
    async () => {
      const files = names.map((n) => `${n}.r0.txt`);
      const decisions = await checkAllPairs(FIXTURES, files);
      const pair = (a: string, b: string) => decisions.get(`${a}.r0.txt ${b}.r0.txt`);

      assert.equal(pair('chair-19-sd-bar', 'chair-22-sd-sepia-bar')?.match, true);
      assert.equal(pair('chair-22-sd-sepia-bar', 'chair-19-sd-bar')?.match, true);
      assert.equal(pair('chair-19-sd-bar', 'chair-22-sd-sepia-bar')?.queryMatchPercent, 100);
      // The large logo moves most frames by 50+ bits: HMA does not match it.
      assert.equal(pair('chair-22-with-large-logo-bar', 'chair-22-sd-sepia-bar')?.match, false);
      // Chair against pattern: not a single frame within 31 bits.
      assert.equal(pair('chair-19-sd-bar', 'pattern-hd-no-bar'), undefined);
      assert.equal(pair('pattern-hd-no-bar', 'chair-22-sd-sepia-bar'), undefined);
      for (const n of names) assert.equal(pair(n, n)?.queryMatchPercent, 100, `${n} with itself`);
    },
  );

  it(
    'one hash a second on both sides, and queries at 1 s against every-frame banks',
    {
      skip: fixtures ? false : `${FIXTURES} is absent`,
    },
    async () => {
      await checkAllPairs(
        FIXTURES,
        names.map((n) => `${n}.r1.txt`),
      );

      // A query at one hash a second against a bank at every frame: the copy is found.
      for (const n of names) {
        writeFileSync(join(bankDir, `${n}.r0.txt`), readFileSync(join(FIXTURES, `${n}.r0.txt`)));
      }
      const { out, summary } = await match(join(FIXTURES, 'chair-19-sd-bar.r1.txt'), bankDir);
      const rows = out.map((l) => JSON.parse(l) as Row);
      const sepia = rows.find((r) => r.banked === 'chair-22-sd-sepia-bar.r0.txt');
      const expected = bruteForce(
        parseVpdqText(readFileSync(join(FIXTURES, 'chair-19-sd-bar.r1.txt'), 'utf8')),
        parseVpdqText(readFileSync(join(FIXTURES, 'chair-22-sd-sepia-bar.r0.txt'), 'utf8')),
      );
      assert.equal(sepia?.match, true);
      assert.equal(sepia?.bankedMatchPercent, expected.bankedPercent);
      assert.equal(summary.bankEntries, names.length);
      assert.equal(summary.matches, rows.filter((r) => r.match).length);
    },
  );

  it("the repo's own videos: grey copy matches with one segment, testsrc2 does not", async () => {
    const files = ['vpdq-mandelbrot', 'vpdq-mandelbrot-grey', 'vpdq-testsrc2'];
    for (const r of [0, 1]) {
      const decisions = await checkAllPairs(
        DATA,
        files.map((f) => `${f}.r${r}.txt`),
      );
      const grey = decisions.get(`vpdq-mandelbrot-grey.r${r}.txt vpdq-mandelbrot.r${r}.txt`);
      assert.equal(grey?.match, true);
      assert.deepEqual(grey?.segments, [
        {
          start: 0,
          end: r === 0 ? 2.938 : 2,
          firstFrame: 0,
          lastFrame: r === 0 ? 47 : 32,
          frames: r === 0 ? 48 : 3,
        },
      ]);
      assert.equal(decisions.get(`vpdq-testsrc2.r${r}.txt vpdq-mandelbrot.r${r}.txt`), undefined);
    }
  });

  it('prints csv lines: query, banked, decision, both percentages, segments', async () => {
    const { out } = await match(
      join(DATA, 'vpdq-mandelbrot-grey.r1.txt'),
      join(DATA, 'vpdq-mandelbrot.r1.txt'),
      'csv',
    );
    assert.deepEqual(out, [
      'vpdq-mandelbrot-grey.r1.txt,vpdq-mandelbrot.r1.txt,1,100.000,100.000,0.000-2.000',
    ]);
  });

  it('groups lines of several videos by their path field; json video records too', async () => {
    const lines = (name: string) =>
      readFileSync(join(DATA, `${name}.r1.txt`), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => `${l},videos/${name}.mp4`);
    const bank = join(bankDir, 'bank.csv');
    writeFileSync(bank, [...lines('vpdq-testsrc2'), ...lines('vpdq-mandelbrot')].join('\n'));
    const query = join(bankDir, 'query.json');
    const frames = parseVpdqText(readFileSync(join(DATA, 'vpdq-mandelbrot-grey.r1.txt'), 'utf8'));
    const record = {
      path: 'upload.mp4',
      kind: 'video',
      vpdq: frames.map((f) => ({
        frameNumber: f.frameNumber,
        quality: f.quality,
        pdq: toPdqHex(f.hash),
        timestamp: f.timestamp,
      })),
    };
    writeFileSync(query, JSON.stringify(record) + '\n');

    const { out, summary } = await match(query, bank, 'csv');
    assert.equal(summary.bankEntries, 2);
    assert.deepEqual(out, ['upload.mp4,videos/vpdq-mandelbrot.mp4,1,100.000,100.000,0.000-2.000']);
  });

  it("reads HMA's signal string: a JSON array of pdqhex,quality,timestamp", async () => {
    const frames = parseVpdqText(readFileSync(join(DATA, 'vpdq-mandelbrot-grey.r1.txt'), 'utf8'));
    const hma = join(bankDir, 'hma-signal.json');
    // HMA prints timestamps with three significant digits ("1.0", "2.0"); unused in matching.
    const items = frames.map(
      (f) => `${toPdqHex(f.hash)},${f.quality},${f.timestamp.toPrecision(3)}`,
    );
    writeFileSync(hma, JSON.stringify(items));
    const { out } = await match(hma, join(DATA, 'vpdq-mandelbrot.r1.txt'), 'csv');
    assert.deepEqual(out, ['hma-signal.json,vpdq-mandelbrot.r1.txt,1,100.000,100.000,0.000-2.000']);

    writeFileSync(hma, JSON.stringify([...items, `${'0'.repeat(64)},101,0.0`]));
    await assert.rejects(
      match(hma, join(DATA, 'vpdq-mandelbrot.r1.txt')),
      (err) => isKhienError(err, 'KHIEN_ERR_VPDQ_MALFORMED') && /item 3/.test(err.message),
    );
  });

  it('a damaged vPDQ line stops the run with its code and line', async () => {
    const bad = join(bankDir, 'bad.txt');
    const good = readFileSync(join(DATA, 'vpdq-mandelbrot.r1.txt'), 'utf8');
    writeFileSync(bad, good + '48,100,not-a-hash,3.000\n');
    await assert.rejects(
      match(join(DATA, 'vpdq-mandelbrot.r1.txt'), bad),
      (err) => isKhienError(err, 'KHIEN_ERR_VPDQ_MALFORMED') && /line 4/.test(err.message),
    );

    // Which file: with a bank folder, or a PDQ list given where a vPDQ file is expected, the
    // line number alone does not say where to look.
    await assert.rejects(
      match(join(DATA, 'vpdq-mandelbrot.r1.txt'), bad),
      (err) => isKhienError(err, 'KHIEN_ERR_VPDQ_MALFORMED') && err.message.includes(bad),
    );

    // In a file of several videos the error names the file's line, not the video's.
    const several = join(bankDir, 'several.csv');
    const lines = good.trimEnd().split('\n');
    const tagged = [...lines.map((l) => `${l},a.mp4`), ...lines.map((l) => `${l},b.mp4`)];
    tagged[4] = '16,100,not-a-hash,1.000,b.mp4';
    writeFileSync(several, tagged.join('\n'));
    await assert.rejects(
      match(join(DATA, 'vpdq-mandelbrot.r1.txt'), several),
      (err) => isKhienError(err, 'KHIEN_ERR_VPDQ_MALFORMED') && /line 5/.test(err.message),
    );
  });
});

test('a PDQ image list on one side and vPDQ on the other is refused, naming both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'khien-vmatch-mixed-'));
  try {
    const images = join(dir, 'images.csv');
    writeFileSync(images, `${'ab'.repeat(32)},100,photo.jpg\n`);
    const video = join(DATA, 'vpdq-mandelbrot.r1.txt');
    for (const [query, against] of [
      [video, images],
      [images, video],
    ]) {
      await assert.rejects(
        match(query, against),
        (err) =>
          isKhienError(err, 'KHIEN_ERR_INVALID_ARGUMENT') &&
          err.message.startsWith(`${video} holds vPDQ (video) hashes and ${images} PDQ (image)`),
      );
    }
    // An empty file could be either kind: it is an empty bank, not a mix.
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    assert.deepEqual((await match(video, empty)).out, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vPDQ threshold flags out of range are refused naming the flag', () => {
  assert.throws(
    () => vpdqMatchOptions({ queryMatchPercent: '101' }, 31),
    (err) =>
      isKhienError(err, 'KHIEN_ERR_INVALID_ARGUMENT') &&
      err.message === '--query-match-percent must be a number 0..100, got 101',
  );
  assert.throws(
    () => vpdqMatchOptions({ qualityThreshold: 'x' }, 31),
    (err) =>
      err instanceof Error && err.message === '--quality-threshold must be a number, got "x"',
  );
});
