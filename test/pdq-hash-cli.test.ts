/**
 * `khien hash` end to end in-process (runHash with captured output): the csv, dihedral and
 * json line shapes other tools read, input order under the worker pool, folder walking (links
 * included), failures reported with their code while the run goes on, and a reader that stops
 * early (the one test that runs the CLI as a child process).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runHash, type HashRunOptions } from '../src/cli/commands/hash.js';
import { loadConfig } from '../src/config/index.js';
import { runUntilReaderCloses } from './cli-child.js';
import { loadExpected } from './pdq-expected.js';

const IMAGES = join('test', 'data', 'images');
const EXPECTED = loadExpected(
  join('test', 'data', 'expected.csv'),
  join('test', 'data', 'expected-dihedral.csv'),
);
const want = (file: string, mode = 'full') =>
  EXPECTED.find((e) => e.file === file && e.mode === mode)!;

async function run(paths: string[], opts: Partial<HashRunOptions> = {}, threads = 2) {
  const out: string[] = [];
  const err: string[] = [];
  const config = loadConfig({ flags: { hashConcurrency: threads } });
  const failed = await runHash(
    paths,
    { format: 'csv', mode: 'full', dihedral: false, progress: false, ...opts },
    config,
    { out: (l) => out.push(l), err: (l) => err.push(l), progress: false },
  );
  return { out, err, failed };
}

describe('khien hash', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'khien-hash-'));
    copyFileSync(join(IMAGES, 'pattern-rgb.png'), join(dir, 'b.png'));
    copyFileSync(join(IMAGES, 'wide-900x600.jpg'), join(dir, 'a.jpg'));
    writeFileSync(join(dir, 'notes.txt'), 'not an image, skipped by the folder walk');
    writeFileSync(join(dir, 'broken.png'), 'not really a png');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints pdqhex,quality,path in input order on worker threads', async () => {
    const files = ['pattern.gif', 'pattern-rgb.png', 'wide-900x600.jpg', 'pattern-24bit.bmp'];
    const { out, err, failed } = await run(files.map((f) => join(IMAGES, f)));
    assert.deepEqual(err, []);
    assert.equal(failed, 0);
    assert.deepEqual(
      out,
      files.map((f) => `${want(f).hash},${want(f).quality},${join(IMAGES, f)}`),
    );
  });

  it('runs in this thread with one thread and gives the same lines', async () => {
    const paths = [join(IMAGES, 'pattern.tiff'), join(IMAGES, 'pattern-cmyk.jpg')];
    assert.deepEqual((await run(paths, {}, 1)).out, (await run(paths, {}, 2)).out);
  });

  it('--mode cli512 and --dihedral print the reference lines', async () => {
    const f = 'wide-900x600.jpg';
    const { out } = await run([join(IMAGES, f)], { mode: 'cli512', dihedral: true });
    const e = want(f, 'cli512');
    assert.deepEqual(out, [`${e.dihedral!.join(',')},${e.dihedralQuality},${join(IMAGES, f)}`]);
  });

  it('walks folders recursively, sorted, media files only; failures go on with a code', async () => {
    const { out, err, failed } = await run([dir, join(dir, 'missing.jpg')]);
    assert.deepEqual(
      out.map((l) => l.split(',')[2]),
      [join(dir, 'a.jpg'), join(dir, 'b.png')],
    );
    assert.equal(failed, 2);
    assert.equal(err.length, 2);
    assert.match(err[0], /^khien hash: KHIEN_ERR_IMAGE_UNSUPPORTED: .*broken\.png: /);
    assert.match(err[1], /^khien hash: KHIEN_ERR_NOT_FOUND: .*missing\.jpg: /);
  });

  it('--format json prints every signal, and failures with code and message', async () => {
    const { out } = await run([join(dir, 'b.png'), join(dir, 'broken.png')], { format: 'json' });
    const [ok, bad] = out.map((l) => JSON.parse(l));
    const e = want('pattern-rgb.png');
    assert.deepEqual(Object.keys(ok).slice(0, 8), [
      'path',
      'pdq',
      'quality',
      'md5',
      'sha1',
      'sha256',
      'width',
      'height',
    ]);
    assert.equal(ok.pdq, e.hash);
    assert.equal(ok.quality, e.quality);
    assert.deepEqual([ok.width, ok.height, ok.format], [320, 240, 'png']);
    assert.match(ok.sha256, /^[0-9a-f]{64}$/);
    assert.equal(bad.path, join(dir, 'broken.png'));
    assert.equal(bad.error.code, 'KHIEN_ERR_IMAGE_UNSUPPORTED');
    assert.ok(bad.error.message.length > 0);
  });

  it('follows links in folders (loops walked once) and reports a link to nowhere', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'khien-hash-links-'));
    try {
      mkdirSync(join(tree, 'sub'));
      symlinkSync(resolve(IMAGES, 'pattern-rgb.png'), join(tree, 'sub', 'linked.png'));
      symlinkSync(tree, join(tree, 'sub', 'loop'));
      symlinkSync(join(tree, 'nowhere.png'), join(tree, 'sub', 'dangling.png'));
      const { out, err, failed } = await run([tree]);
      const e = want('pattern-rgb.png');
      assert.deepEqual(out, [`${e.hash},${e.quality},${join(tree, 'sub', 'linked.png')}`]);
      assert.equal(failed, 1);
      assert.equal(err.length, 1);
      assert.match(err[0], /^khien hash: KHIEN_ERR_NOT_FOUND: .*dangling\.png: /);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('warns on stderr about a folder that holds no media file, and still exits 0', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'khien-hash-empty-'));
    try {
      writeFileSync(join(empty, 'notes.txt'), 'no media here');
      const { out, err, failed } = await run([empty, join(IMAGES, 'pattern-rgb.png')]);
      assert.equal(failed, 0);
      assert.equal(out.length, 1);
      assert.deepEqual(err, [
        `khien hash: warning: ${empty}: no image or video file in this folder`,
      ]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('reports a folder it cannot list with a code and hashes the rest', async () => {
    // A folder nested past PATH_MAX cannot be listed by its full path, even by root (for whom
    // chmod 000 changes nothing).
    const tree = mkdtempSync(join(tmpdir(), 'khien-hash-deep-'));
    const name = 'd'.repeat(250);
    try {
      // mkdir by a relative name still works one level past where cd stops working.
      const deepen = `for i in $(seq 20); do mkdir ${name} && cd ${name} || exit 0; done; exit 1`;
      assert.equal(spawnSync('sh', ['-c', deepen], { cwd: tree }).status, 0);
      copyFileSync(join(IMAGES, 'pattern-rgb.png'), join(tree, 'ok.png'));
      const { out, err, failed } = await run([tree]);
      const e = want('pattern-rgb.png');
      assert.deepEqual(out, [`${e.hash},${e.quality},${join(tree, 'ok.png')}`]);
      assert.equal(failed, 1);
      assert.equal(err.length, 1);
      assert.match(err[0], /^khien hash: KHIEN_ERR_IMAGE_UNREADABLE: .*ddd: expected a folder /);
    } finally {
      spawnSync('rm', ['-rf', tree]);
    }
  });

  it('stops quietly, status 0, when the reader closes stdout early (| head -1)', async () => {
    const file = join(IMAGES, 'small-5x5.png');
    const files = Array<string>(300).fill(file);
    const { stderr, status } = await runUntilReaderCloses(['hash', '--dihedral', ...files]);
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });
});
