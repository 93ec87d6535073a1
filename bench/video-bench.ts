/**
 * `npm run bench:video`: seconds per video for vPDQ hashing, at one hash a second (-r 1) and at
 * every frame (-r 0), against Meta's reference `vpdq-hash-video` when it has been built in a
 * scratch folder (README "Benchmarks" says how). Khiên runs in-process as the service does:
 * ffprobe, ffmpeg streaming RGB24 frames, PDQ on a worker pool of one thread per core, MD5 and
 * SHA-256 of the file. A third column times the same ffmpeg command alone (decode, select,
 * scale, output thrown away): the floor set by decoding, so the rest is PDQ and plumbing.
 *
 * Rounds alternate between the reference and Khiên so both see the same machine load; the
 * ratio is taken from the medians of the same run. The machine is shared and noisy: only
 * ratios within one run mean much.
 *
 *   tsx bench/video-bench.ts [--rounds N] [--ref PATH] [--videos DIR] [--only r1|r0]
 *
 * Environment: KHIEN_BENCH_VPDQ_REF and KHIEN_BENCH_VIDEOS override the defaults
 * (/work/scratch/vpdq-ref/build/cpp/apps/vpdq-hash-video and ../shared/fixtures/videos, else
 * test/data).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { frameStep } from '../src/core/vpdq/frame-selection.js';
import { ffmpegFrameArgs } from '../src/media/video-frames.js';
import { FrameHashPool } from '../src/media/video-hash-pool.js';
import { hashVideo, type VideoHashSettings } from '../src/media/video-hasher.js';
import { findVideoTools } from '../src/media/video-tools.js';

interface Args {
  rounds: number;
  ref: string;
  videos: string;
  rates: number[];
}

function parse(): Args {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      ref: { type: 'string', default: process.env.KHIEN_BENCH_VPDQ_REF },
      videos: { type: 'string', default: process.env.KHIEN_BENCH_VIDEOS },
      only: { type: 'string' },
    },
  });
  const fixtures = '../shared/fixtures/videos';
  return {
    rounds: Math.max(1, Number(values.rounds)),
    ref: resolve(values.ref ?? '/work/scratch/vpdq-ref/build/cpp/apps/vpdq-hash-video'),
    videos: values.videos ?? (existsSync(fixtures) ? fixtures : 'test/data'),
    rates: values.only === 'r1' ? [1] : values.only === 'r0' ? [0] : [1, 0],
  };
}

const SETTINGS: VideoHashSettings = {
  ffmpegPath: '',
  ffprobePath: '',
  maxVideoBytes: 1 << 30,
  maxVideoSeconds: 36_000,
  maxVideoPixels: 1 << 26,
  videoTimeoutMs: 3_600_000,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** Seconds for the reference binary on one video, or null when it is not built. */
function timeReference(ref: string, video: string, r: number, out: string): number | null {
  if (!existsSync(ref)) return null;
  const started = performance.now();
  const run = spawnSync(ref, ['-i', video, '-o', out, '-r', String(r)], { stdio: 'ignore' });
  if (run.status !== 0) throw new Error(`${ref} failed on ${video} (status ${run.status})`);
  return (performance.now() - started) / 1000;
}

async function timeKhien(video: string, r: number, pool: FrameHashPool) {
  const started = performance.now();
  const result = await hashVideo(video, SETTINGS, pool.hash, { secondsPerHash: r });
  return { seconds: (performance.now() - started) / 1000, frames: result.features.length };
}

/** The same ffmpeg command Khiên runs, its output discarded: the decoding floor. */
async function timeFfmpegAlone(video: string, r: number): Promise<number> {
  const tools = findVideoTools(SETTINGS);
  const probe = spawnSync(tools.ffprobe, [
    ...['-v', 'error', '-select_streams', 'v:0', '-of', 'csv=p=0'],
    ...['-show_entries', 'stream=width,height,avg_frame_rate', video],
  ]);
  const [width, height, rate] = probe.stdout.toString().trim().split(',');
  const [num, den] = rate.split('/').map(Number);
  const step = frameStep(r, num / den);
  const args = ffmpegFrameArgs(tools, {
    path: video,
    width: Number(width),
    height: Number(height),
    step,
  });
  const started = performance.now();
  spawnSync(tools.ffmpeg, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  return (performance.now() - started) / 1000;
}

async function main() {
  const args = parse();
  const videos = readdirSync(args.videos)
    .filter((f) => /\.(mp4|mov|mkv|webm|avi)$/i.test(f))
    .sort();
  const scratch = mkdtempSync(join(tmpdir(), 'khien-vbench-'));
  const pool = new FrameHashPool(0);
  const tools = findVideoTools(SETTINGS);
  console.log(`ffmpeg ${tools.ffmpeg}, ${pool.threads} PDQ threads, ${args.rounds} rounds`);
  console.log(existsSync(args.ref) ? `reference ${args.ref}` : `reference not built (${args.ref})`);
  console.log('\nvideo                             rate frames  ref s  khien s  ffmpeg s  ratio');

  const totals = new Map<number, { ref: number; khien: number }>();
  try {
    await timeKhien(join(args.videos, videos[0]), 1, pool); // warm up workers and JIT
    for (const r of args.rates) {
      const total = { ref: 0, khien: 0 };
      for (const name of videos) {
        const video = join(args.videos, name);
        const ref: number[] = [];
        const ours: number[] = [];
        const alone: number[] = [];
        let frames = 0;
        for (let round = 0; round < args.rounds; round++) {
          const t = timeReference(args.ref, video, r, join(scratch, 'ref.txt'));
          if (t !== null) ref.push(t);
          const k = await timeKhien(video, r, pool);
          ours.push(k.seconds);
          frames = k.frames;
          alone.push(await timeFfmpegAlone(video, r));
        }
        const refS = ref.length > 0 ? median(ref) : NaN;
        const ourS = median(ours);
        total.ref += refS;
        total.khien += ourS;
        const ratio = Number.isNaN(refS) ? '-' : (ourS / refS).toFixed(2);
        console.log(
          `${name.padEnd(34)}r${r}  ${String(frames).padStart(6)} ${refS.toFixed(2).padStart(6)}` +
            ` ${ourS.toFixed(2).padStart(8)} ${median(alone).toFixed(2).padStart(9)}  ${ratio}`,
        );
      }
      totals.set(r, total);
    }
  } finally {
    await pool.close();
    rmSync(scratch, { recursive: true, force: true });
  }

  console.log('');
  for (const [r, t] of totals) {
    const ratio = Number.isNaN(t.ref) ? 'no reference' : `${(t.khien / t.ref).toFixed(2)}×`;
    console.log(
      `r${r} total: reference ${t.ref.toFixed(2)} s, Khiên ${t.khien.toFixed(2)} s: ${ratio} ` +
        '(target ≤ 1.5×)',
    );
  }
}

await main();
