// The video edge with real ffmpeg: every kind of bad input gets its coded error and ffmpeg never
// outlives the call (killed on error, timeout and abort, and reaped, so not even a zombie is
// left). Frame hashing is replaced by a stand-in here: these tests are about the plumbing; the
// hashes themselves are checked against the reference in vpdq-reference.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { isKhienError, type ErrorCode } from '../src/errors/index.js';
import { hashVideo, type VideoHashSettings } from '../src/media/video-hasher.js';
import { findVideoTools } from '../src/media/video-tools.js';

const SAMPLE = 'test/data/vpdq-mandelbrot.mp4';
const SETTINGS: VideoHashSettings = {
  ffmpegPath: '',
  ffprobePath: '',
  maxVideoBytes: 1 << 30,
  maxVideoSeconds: 3600,
  maxVideoPixels: 1 << 24,
  videoTimeoutMs: 60_000,
};

/** Stand-in for the PDQ core: a checksum of the pixels as "quality". */
const fakeHasher = (pixels: Uint8Array) => {
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 31) sum = (sum + pixels[i]) % 101;
  return { hash: new Uint16Array(16), quality: sum };
};

let dir = '';
const file = (name: string) => join(dir, name);

function ffmpeg(...args: string[]) {
  const { ffmpeg: bin } = findVideoTools(SETTINGS);
  const run = spawnSync(bin, ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'khien-vpdq-'));
  ffmpeg('-f', 'lavfi', '-i', 'sine=d=1', file('audio.m4a'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=64x48', '-frames:v', '1', file('still.png'));
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=4x4:r=10',
    '-t',
    '1',
    '-c:v',
    'rawvideo',
    file('4x4.avi'),
  );
  ffmpeg('-i', SAMPLE, '-c', 'copy', file('index-at-end.mp4'));
  writeFileSync(file('text.mp4'), 'this is not a video\n');
  writeFileSync(file('empty.mp4'), '');
  writeFileSync(file('cut-index-first.mp4'), readFileSync(SAMPLE).subarray(0, 9000));
  writeFileSync(
    file('cut-index-last.mp4'),
    readFileSync(file('index-at-end.mp4')).subarray(0, 9000),
  );
  copyFileSync(SAMPLE, file('sample.mp4'));
  copyFileSync(SAMPLE, file('http:odd-name.mp4'));
  // Lists that make ffmpeg open other files, dressed up as videos.
  writeFileSync(file('concat-list.mp4'), 'ffconcat version 1.0\nfile sample.mp4\n');
  writeFileSync(
    file('playlist.mp4'),
    '#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:3,\nsample.mp4\n#EXT-X-ENDLIST\n',
  );

  // An "ffmpeg" that answers the capability question, then hangs like a stuck decoder.
  writeFileSync(
    file('hanging-ffmpeg'),
    '#!/bin/sh\nif [ "$2" = "-h" ]; then echo "-fps_mode x"; exit 0; fi\nexec sleep 30\n',
  );
  chmodSync(file('hanging-ffmpeg'), 0o755);
  writeFileSync(file('hanging-ffprobe'), '#!/bin/sh\nexec sleep 30\n');
  chmodSync(file('hanging-ffprobe'), 0o755);

  // An "ffprobe" describing a stream with no frame rate at all (0/0 both ways), as some broken
  // files do; a real file that makes Debian's ffprobe say so is hard to produce on purpose.
  const probe = {
    streams: [
      { codec_type: 'video', width: 64, height: 48, avg_frame_rate: '0/0', r_frame_rate: '0/0' },
    ],
    format: { format_name: 'matroska,webm' },
  };
  writeFileSync(file('no-rate-ffprobe'), `#!/bin/sh\necho '${JSON.stringify(probe)}'\n`);
  chmodSync(file('no-rate-ffprobe'), 0o755);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts the process is gone: kill(pid, 0) fails with ESRCH once it is reaped. */
function assertReaped(pids: number[]) {
  assert.ok(pids.length > 0, 'ffmpeg was started');
  for (const pid of pids) {
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `process ${pid} is still there`);
  }
}

async function rejectsWith(
  path: string,
  code: ErrorCode,
  settings: Partial<VideoHashSettings> = {},
  options: { downsample?: number } = {},
) {
  const pids: number[] = [];
  await assert.rejects(
    hashVideo(path, { ...SETTINGS, ...settings }, fakeHasher, {
      ...options,
      onSpawn: (pid) => pids.push(pid),
    }),
    (err) => {
      assert.ok(isKhienError(err, code), `expected ${code}, got ${String(err)}`);
      return true;
    },
  );
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
}

test('the sample streams its frames: every 16th at 1 s a hash, every frame at 0', async () => {
  const pids: number[] = [];
  const r1 = await hashVideo(file('sample.mp4'), SETTINGS, fakeHasher, {
    onSpawn: (pid) => pids.push(pid),
  });
  assert.equal(r1.step, 16);
  assert.deepEqual(
    r1.features.map((f) => f.frameNumber),
    [0, 16, 32],
  );
  assert.equal(r1.info.width, 128);
  assert.equal(r1.info.height, 96);
  assert.equal(r1.info.fps, 16);
  assert.equal(r1.bytes, readFileSync(SAMPLE).length);
  assert.match(r1.md5, /^[0-9a-f]{32}$/);
  assert.match(r1.sha256, /^[0-9a-f]{64}$/);
  assert.match(r1.sha1, /^[0-9a-f]{40}$/);

  const r0 = await hashVideo(file('sample.mp4'), SETTINGS, fakeHasher, { secondsPerHash: 0 });
  assert.equal(r0.features.length, 48);
  assert.equal(r0.features[1].timestamp, 0.0625);
  assertReaped(pids);
});

test('not a video: text, an empty file, a still image', async () => {
  await rejectsWith(file('text.mp4'), 'KHIEN_ERR_VIDEO_UNSUPPORTED');
  await rejectsWith(file('empty.mp4'), 'KHIEN_ERR_VIDEO_UNSUPPORTED');
  await rejectsWith(file('still.png'), 'KHIEN_ERR_VIDEO_UNSUPPORTED');
  await rejectsWith(file('missing.mp4'), 'KHIEN_ERR_NOT_FOUND');
});

test('the message names the input as "input", whether the path was relative or absolute', async () => {
  for (const path of [file('text.mp4'), relative(process.cwd(), file('text.mp4'))]) {
    await assert.rejects(hashVideo(path, SETTINGS, fakeHasher), (err) => {
      assert.ok(isKhienError(err, 'KHIEN_ERR_VIDEO_UNSUPPORTED'));
      assert.equal(
        err.message,
        'expected a video ffmpeg can read, got a file it cannot ' +
          '(input: Invalid data found when processing input)',
      );
      return true;
    });
  }
});

test('playlists and concat lists are refused: ffmpeg reads only the file given', async () => {
  await rejectsWith(file('concat-list.mp4'), 'KHIEN_ERR_VIDEO_UNSUPPORTED');
  await rejectsWith(file('playlist.mp4'), 'KHIEN_ERR_VIDEO_UNSUPPORTED');

  // A name that looks like a URL is still the local file.
  const odd = await hashVideo(file('http:odd-name.mp4'), SETTINGS, fakeHasher);
  assert.equal(odd.features.length, 3);
});

test('audio only has no video stream', async () => {
  await rejectsWith(file('audio.m4a'), 'KHIEN_ERR_VIDEO_NO_VIDEO_STREAM');
});

test('truncated files are corrupt, whether the MP4 index comes first or last', async () => {
  await rejectsWith(file('cut-index-first.mp4'), 'KHIEN_ERR_VIDEO_CORRUPT');
  await rejectsWith(file('cut-index-last.mp4'), 'KHIEN_ERR_VIDEO_CORRUPT');
});

test('frames under 5 pixels, stored or asked for, are refused', async () => {
  await rejectsWith(file('4x4.avi'), 'KHIEN_ERR_VIDEO_FRAME_TOO_SMALL');
  await rejectsWith(file('sample.mp4'), 'KHIEN_ERR_VIDEO_FRAME_TOO_SMALL', {}, { downsample: 4 });
});

test('each limit is enforced: bytes, pixels, seconds', async () => {
  await rejectsWith(file('sample.mp4'), 'KHIEN_ERR_VIDEO_TOO_LARGE', { maxVideoBytes: 1000 });
  await rejectsWith(file('sample.mp4'), 'KHIEN_ERR_VIDEO_TOO_LARGE', { maxVideoPixels: 128 * 95 });
  await rejectsWith(file('sample.mp4'), 'KHIEN_ERR_VIDEO_TOO_LARGE', { maxVideoSeconds: 2 });
});

test('a stream without a frame rate is refused', async () => {
  await rejectsWith(file('sample.mp4'), 'KHIEN_ERR_VIDEO_ZERO_FRAME_RATE', {
    ffprobePath: file('no-rate-ffprobe'),
  });
});

test('a missing ffmpeg is a coded error', async () => {
  await rejectsWith(file('sample.mp4'), 'KHIEN_ERR_VIDEO_TOOL_MISSING', {
    ffmpegPath: file('no-such-ffmpeg'),
  });
});

test('a hanging decoder times out and is killed', async () => {
  const started = Date.now();
  await rejectsWith(file('sample.mp4'), 'KHIEN_ERR_VIDEO_TIMEOUT', {
    ffmpegPath: file('hanging-ffmpeg'),
    videoTimeoutMs: 1500,
  });
  assert.ok(Date.now() - started < 10_000, 'the timeout stopped the wait');

  const probing = Date.now();
  await rejectsWith(file('sample.mp4'), 'KHIEN_ERR_VIDEO_TIMEOUT', {
    ffprobePath: file('hanging-ffprobe'),
    videoTimeoutMs: 1500,
  });
  assert.ok(Date.now() - probing < 10_000, 'a hanging ffprobe is stopped too');
});

test('aborting mid-stream or a failing frame hasher kills ffmpeg', async () => {
  const controller = new AbortController();
  const pids: number[] = [];
  let frames = 0;
  const abortingHasher = (pixels: Uint8Array) => {
    if (++frames === 2) controller.abort();
    return fakeHasher(pixels);
  };
  await assert.rejects(
    hashVideo(file('sample.mp4'), SETTINGS, abortingHasher, {
      secondsPerHash: 0,
      signal: controller.signal,
      onSpawn: (pid) => pids.push(pid),
    }),
    { name: 'AbortError' },
  );
  assertReaped(pids);

  const failing = () => {
    throw new Error('hasher failed');
  };
  const more: number[] = [];
  await assert.rejects(
    hashVideo(file('sample.mp4'), SETTINGS, failing, { onSpawn: (pid) => more.push(pid) }),
    /hasher failed/,
  );
  assertReaped(more);
});

test('frames are hashed as they stream, never more than inFlight at once', async () => {
  let outstanding = 0;
  let most = 0;
  const slowHasher = async (pixels: Uint8Array) => {
    outstanding++;
    most = Math.max(most, outstanding);
    await new Promise((resolve) => setTimeout(resolve, 5));
    outstanding--;
    return fakeHasher(pixels);
  };
  const result = await hashVideo(file('sample.mp4'), SETTINGS, slowHasher, {
    secondsPerHash: 0,
    inFlight: 3,
  });
  assert.equal(result.features.length, 48);
  assert.equal(most, 3);
  assert.deepEqual(
    result.features.map((f) => f.frameNumber),
    Array.from({ length: 48 }, (_, i) => i),
  );
});
