/**
 * `khien hash` on videos end to end in-process (runHash with captured output): the reference's
 * csv lines, the json record with the file digests, the sampling options, videos recognised by
 * content when the name does not say, and coded failures while the run goes on.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runHash, type HashRunOptions } from '../src/cli/commands/hash.js';
import { loadConfig } from '../src/config/index.js';

const DATA = join('test', 'data');
const VIDEO = join(DATA, 'vpdq-mandelbrot.mp4');
const expected = (name: string, r: 0 | 1) => readFileSync(join(DATA, `${name}.r${r}.txt`), 'utf8');
/** Exact output needs the ffmpeg the expected files were made with. */
const ffmpegFlags = existsSync('/usr/bin/ffmpeg')
  ? { ffmpegPath: '/usr/bin/ffmpeg', ffprobePath: '/usr/bin/ffprobe' }
  : {};

async function run(paths: string[], opts: Partial<HashRunOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const config = loadConfig({ flags: { hashConcurrency: 2, ...ffmpegFlags } });
  const failed = await runHash(
    paths,
    { format: 'csv', mode: 'full', dihedral: false, progress: false, ...opts },
    config,
    { out: (l) => out.push(l), err: (l) => err.push(l), progress: false },
  );
  return { out, err, failed };
}

describe('khien hash on videos', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'khien-vhash-'));
    copyFileSync(VIDEO, join(dir, 'no-extension'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the reference lines, one hash a second by default', async () => {
    const { out, err, failed } = await run([VIDEO]);
    assert.deepEqual(err, []);
    assert.equal(failed, 0);
    assert.equal(out.join('\n') + '\n', expected('vpdq-mandelbrot', 1));
  });

  it('hashes every frame with --seconds-per-hash 0', async () => {
    const { out } = await run([VIDEO], { video: { secondsPerHash: 0, downsample: null } });
    assert.equal(out.join('\n') + '\n', expected('vpdq-mandelbrot', 0));
  });

  it('recognises a video by its content when the name has no extension', async () => {
    const { out } = await run([join(dir, 'no-extension')]);
    assert.equal(out.join('\n') + '\n', expected('vpdq-mandelbrot', 1));
  });

  it('gives json with the digests and the same frames', async () => {
    const { out } = await run([VIDEO], { format: 'json' });
    assert.equal(out.length, 1);
    const record = JSON.parse(out[0]);
    const bytes = readFileSync(VIDEO);
    assert.equal(record.kind, 'video');
    assert.equal(record.md5, createHash('md5').update(bytes).digest('hex'));
    assert.equal(record.sha1, createHash('sha1').update(bytes).digest('hex'));
    assert.equal(record.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(record.frameStep, 16);
    const lines = record.vpdq.map(
      (f: { frameNumber: number; quality: number; pdq: string; timestamp: number }) =>
        `${f.frameNumber},${f.quality},${f.pdq},${f.timestamp.toFixed(3)}`,
    );
    assert.equal(lines.join('\n') + '\n', expected('vpdq-mandelbrot', 1));
  });

  it('adds the path to each line when several files are hashed, images included', async () => {
    const other = join(DATA, 'vpdq-testsrc2.mp4');
    const image = join(DATA, 'images', 'pattern-rgb.png');
    const paths = existsSync(image) ? [VIDEO, image, other] : [VIDEO, other];
    const result = await run(paths);
    assert.equal(result.failed, 0);
    const out = result.out.join('\n').split('\n');
    const withPath = (name: string, path: string) =>
      expected(name, 1)
        .trimEnd()
        .split('\n')
        .map((l) => `${l},${path}`);
    assert.deepEqual(out.slice(0, 3), withPath('vpdq-mandelbrot', VIDEO));
    assert.deepEqual(out.slice(-3), withPath('vpdq-testsrc2', other));
    if (paths.length === 3) assert.match(out[3], new RegExp(`^[0-9a-f]{64},\\d+,${image}$`));
  });

  it('reports a coded error for a bad video and goes on', async () => {
    const { out, err, failed } = await run([VIDEO, join(DATA, 'vpdq-testsrc2.mp4')], {
      video: { secondsPerHash: 1, downsample: 4 },
    });
    assert.equal(failed, 2);
    assert.deepEqual(out, []);
    assert.equal(err.length, 2);
    assert.match(err[0], /KHIEN_ERR_VIDEO_FRAME_TOO_SMALL: test\/data\/vpdq-mandelbrot\.mp4: /);
  });

  it('downsamples to N×N like the reference -s', async () => {
    const result = await run([VIDEO], { video: { secondsPerHash: 1, downsample: 32 } });
    const out = result.out.join('\n').split('\n');
    assert.equal(
      out.join('\n') + '\n',
      readFileSync(join(DATA, 'vpdq-mandelbrot.s32.r1.txt'), 'utf8'),
    );
  });
});
