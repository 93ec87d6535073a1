// vPDQ against the reference vpdq-hash-video. With Debian 12's ffmpeg 5.1 (the libraries the
// expected files were made with) the output must be identical byte for byte, for one hash per
// second (.r1) and every frame (.r0). With another ffmpeg (the npm package's static 4.x build)
// decoders and swscale differ slightly, so the check is the drift the fixtures README describes:
// the same frames and timestamps, and frames of quality >= 80 within 8 bits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { pdqFromPixels } from '../src/core/pdq/pdq-hasher.js';
import { pdqDistance } from '../src/core/pdq/pdq-hash.js';
import { formatVpdqText, parseVpdqText, type VpdqFeature } from '../src/core/vpdq/vpdq-feature.js';
import { formatTimestamp } from '../src/core/vpdq/vpdq-timestamp.js';
import { FrameHashPool } from '../src/media/video-hash-pool.js';
import { hashVideo, type VideoHashSettings } from '../src/media/video-hasher.js';

const FIXTURES = '../shared/fixtures';
const DRIFT_BITS = 8;
const DRIFT_QUALITY = 80;

interface Sample {
  readonly name: string;
  readonly video: string;
  readonly expected: (r: 0 | 1) => string;
}

const samples: Sample[] = [
  ...['vpdq-mandelbrot', 'vpdq-mandelbrot-grey', 'vpdq-testsrc2'].map((name) => ({
    name,
    video: `test/data/${name}.mp4`,
    expected: (r: 0 | 1) => `test/data/${name}.r${r}.txt`,
  })),
  ...(existsSync(`${FIXTURES}/videos`) ? readdirSync(`${FIXTURES}/videos`) : [])
    .filter((f) => f.endsWith('.mp4'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.mp4$/, '');
      return {
        name,
        video: `${FIXTURES}/videos/${file}`,
        expected: (r: 0 | 1) => `${FIXTURES}/vpdq-expected/${name}.r${r}.txt`,
      };
    }),
];

const settings = (ffmpegPath: string, ffprobePath: string): VideoHashSettings => ({
  ffmpegPath,
  ffprobePath,
  maxVideoBytes: 1 << 30,
  maxVideoSeconds: 3600,
  maxVideoPixels: 1 << 24,
  videoTimeoutMs: 600_000,
});

const hashRgb = (pixels: Uint8Array, width: number, height: number) =>
  pdqFromPixels(pixels, width, height, 3);

/** Debian 12's build, or why it cannot be used here. */
function debianFfmpeg(): VideoHashSettings | string {
  if (!existsSync('/usr/bin/ffmpeg') || !existsSync('/usr/bin/ffprobe')) {
    return 'no /usr/bin/ffmpeg (install Debian 12 ffmpeg, as .ci/run does)';
  }
  const version = spawnSync('/usr/bin/ffmpeg', ['-version'], { encoding: 'utf8' }).stdout ?? '';
  if (!/^ffmpeg version 5\.1\.\d+-\d+\+deb12/.test(version)) {
    return `/usr/bin/ffmpeg is not Debian 12's 5.1 (${version.split('\n')[0]})`;
  }
  return settings('/usr/bin/ffmpeg', '/usr/bin/ffprobe');
}

/** The npm packages' static ffmpeg, a different build: "another ffmpeg". */
function npmFfmpeg(): VideoHashSettings | string {
  try {
    const require = createRequire(import.meta.url);
    const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    const ffprobe = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
    return settings(ffmpeg, ffprobe);
  } catch (err) {
    return `the npm ffmpeg packages are not installed (${(err as Error).message})`;
  }
}

const debian = debianFfmpeg();
const npm = npmFfmpeg();
if (!existsSync(`${FIXTURES}/videos`)) {
  test(`shared fixtures (${FIXTURES}/videos absent: only the repo's own videos are checked)`, {
    skip: true,
  });
}

/**
 * The drift allowed between ffmpeg builds: the same frames and timestamps, and frames of
 * quality >= 80 within 8 bits. Returns a one-line summary.
 */
function assertWithinDrift(got: readonly VpdqFeature[], expected: readonly VpdqFeature[]): string {
  assert.deepEqual(
    got.map((f) => `${f.frameNumber},${formatTimestamp(f.timestamp)}`),
    expected.map((f) => `${f.frameNumber},${formatTimestamp(f.timestamp)}`),
  );
  let identical = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const distance = pdqDistance(got[i].hash, expected[i].hash);
    if (distance === 0) identical++;
    if (expected[i].quality < DRIFT_QUALITY) continue;
    worst = Math.max(worst, distance);
    assert.ok(distance <= DRIFT_BITS, `frame ${expected[i].frameNumber}: ${distance} bits`);
  }
  return `${identical}/${expected.length} identical, worst at quality >= 80: ${worst} bits`;
}

const skipUnless = (tools: VideoHashSettings | string) => ({
  skip: typeof tools === 'string' ? tools : false,
});

for (const sample of samples) {
  for (const r of [1, 0] as const) {
    test(
      `${sample.name} r${r}: bit for bit with Debian 12 ffmpeg 5.1`,
      skipUnless(debian),
      async (t) => {
        const tools = debian as VideoHashSettings;
        const result = await hashVideo(sample.video, tools, hashRgb, { secondsPerHash: r });
        assert.equal(formatVpdqText(result.features), readFileSync(sample.expected(r), 'utf8'));

        // The hashes committed upstream were made with yet another ffmpeg: the drift bound holds.
        const upstream = `${FIXTURES}/vpdq-upstream/${sample.name}.txt`;
        if (r === 0 && existsSync(upstream)) {
          const theirs = parseVpdqText(readFileSync(upstream, 'utf8'));
          t.diagnostic(`vs upstream: ${assertWithinDrift(result.features, theirs)}`);
        }
      },
    );

    test(
      `${sample.name} r${r}: within the drift with another ffmpeg`,
      skipUnless(npm),
      async (t) => {
        const tools = npm as VideoHashSettings;
        const result = await hashVideo(sample.video, tools, hashRgb, { secondsPerHash: r });
        const expected = parseVpdqText(readFileSync(sample.expected(r), 'utf8'));
        t.diagnostic(assertWithinDrift(result.features, expected));
      },
    );
  }
}

test(
  'the worker pool gives the same hashes as hashing in-line',
  {
    skip: typeof debian === 'string' ? debian : false,
  },
  async () => {
    const pool = new FrameHashPool(2);
    try {
      const result = await hashVideo(samples[0].video, debian as VideoHashSettings, pool.hash, {
        secondsPerHash: 0,
      });
      assert.equal(formatVpdqText(result.features), readFileSync(samples[0].expected(0), 'utf8'));
    } finally {
      await pool.close();
    }
  },
);
