/**
 * `npm run bench:hash`: photos per second, end to end (read the file, decode, PDQ, MD5, SHA-1,
 * SHA-256), single process, over the fixture images; and the same for Meta's C++ reference
 * when it has been built in a scratch folder (README "Benchmarks" says how). Rounds alternate
 * between Khiên and the reference so that both see the same machine load, and the ratio is
 * taken per round: the machine is shared and noisy, so only ratios within one run mean much.
 *
 *   tsx bench/hash-bench.ts [--rounds N] [--ref DIR] [--images DIR]
 *
 * Environment: KHIEN_BENCH_REF_DIR and KHIEN_BENCH_IMAGES override the defaults
 * (/work/scratch/pdq-ref/cpp and ../shared/fixtures/images).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hashImage, type PdqMode } from '../src/media/image-hasher.js';

const IMAGE_EXT = /\.(jpe?g|png|webp|tiff?|gif|bmp|avif)$/i;

// The reference runs ImageMagick's `convert`; /usr/local/bin may hold a stand-in wrapper.
const REF_ENV = { ...process.env, PATH: '/usr/bin:/bin' };

interface Args {
  rounds: number;
  refDir: string;
  imagesDir: string;
}

function parse(): Args {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      ref: { type: 'string', default: process.env.KHIEN_BENCH_REF_DIR },
      images: { type: 'string', default: process.env.KHIEN_BENCH_IMAGES },
    },
  });
  return {
    rounds: Math.max(1, Number(values.rounds)),
    refDir: resolve(values.ref ?? '/work/scratch/pdq-ref/cpp'),
    imagesDir: resolve(values.images ?? '../shared/fixtures/images'),
  };
}

function listImages(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listImages(path));
    else if (IMAGE_EXT.test(name)) out.push(path);
  }
  return out;
}

/** Khiên: seconds to hash every file with all signals; also returns the PDQ lines. */
async function runKhien(files: string[], mode: PdqMode): Promise<{ s: number; lines: string[] }> {
  const start = process.hrtime.bigint();
  const lines: string[] = [];
  for (const file of files) {
    const sig = await hashImage(file, { mode });
    lines.push(`${sig.pdq},${sig.quality}`);
  }
  return { s: Number(process.hrtime.bigint() - start) / 1e9, lines };
}

/** The reference binary over all files in one process: wall-clock seconds and its lines. */
function runReference(binary: string, files: string[]): { s: number; lines: string[] } {
  const start = process.hrtime.bigint();
  const run = spawnSync(binary, files, { env: REF_ENV, maxBuffer: 64 << 20, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${binary} exited ${run.status}: ${run.stderr}`);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(',').slice(0, 2).join(','));
  return { s, lines };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

const fmt = (n: number): string => n.toFixed(2);

interface Pair {
  mode: PdqMode;
  /** Reference binary that hashes like this mode, if built. */
  binary: string;
  label: string;
}

async function main(): Promise<void> {
  const args = parse();
  if (!existsSync(args.imagesDir)) {
    console.log(`bench:hash: no images at ${args.imagesDir} (the fixtures); nothing to measure`);
    return;
  }
  const files = listImages(args.imagesDir);
  console.log(`${files.length} images under ${args.imagesDir}, ${args.rounds} rounds`);

  // Warm-up: JIT, sharp's thread pool, the file cache.
  await runKhien(files, 'full');

  const pairs: Pair[] = [
    {
      mode: 'full',
      binary: join(args.refDir, 'full-res-hasher'),
      label: 'full resolution (reference: scratch full-res driver)',
    },
    {
      mode: 'cli512',
      binary: join(args.refDir, 'pdq-photo-hasher'),
      label: 'cli512 (reference: stock pdq-photo-hasher)',
    },
  ];
  for (const pair of pairs) await benchPair(pair, files, args.rounds);
}

async function benchPair(pair: Pair, files: string[], rounds: number): Promise<void> {
  const haveRef = existsSync(pair.binary);
  const ours: number[] = [];
  const refs: number[] = [];
  const ratios: number[] = [];
  let mismatches = 0;

  for (let r = 0; r < rounds; r++) {
    const k = await runKhien(files, pair.mode);
    ours.push(files.length / k.s);
    if (!haveRef) continue;

    const ref = runReference(pair.binary, files);
    refs.push(files.length / ref.s);
    ratios.push(ref.s / k.s);
    mismatches = k.lines.filter((line, i) => line !== ref.lines[i]).length;
  }

  console.log(`\n== ${pair.label}`);
  console.log(`khien      ${fmt(median(ours))} photos/s  (rounds: ${ours.map(fmt).join(' ')})`);
  if (!haveRef) {
    console.log(`reference  not found at ${pair.binary}: build it (README, Benchmarks)`);
    return;
  }
  console.log(`reference  ${fmt(median(refs))} photos/s  (rounds: ${refs.map(fmt).join(' ')})`);
  console.log(
    `ratio      ${fmt(median(ratios))}× the reference (per round: ${ratios.map(fmt).join(' ')})`,
  );
  console.log(`hashes     ${files.length - mismatches}/${files.length} identical to the reference`);
}

await main();
