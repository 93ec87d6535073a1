/**
 * `npm run bench:index -- --size 1000000|10000000 [--seed N] [--dist uniform|clustered]
 * [--distance 31] [--recall-queries N] [--no-faiss]`: the figures of issue 5 for MihPdqIndex
 * on seeded data (bench-data.ts), and the same data through FAISS IndexBinaryMultiHash(256, 16,
 * 16) in the same run (bench/index-faiss.py via /usr/bin/python3 and Debian's python3-faiss;
 * skipped, with a note, when that is not installed) with the ratios. Machines are shared, so
 * only ratios measured in one run mean much. Run with --expose-gc (the npm script does). The npm
 * script also sets GLIBC_TUNABLES=glibc.malloc.hugetlb=1, which FAISS inherits: large arrays get
 * transparent huge pages, which cut the cost of a random read at 10M by about 40% here.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MihPdqIndex } from '../src/core/index/mih-pdq-index.js';
import { PACKED_WORDS, unpackPdq } from '../src/core/index/packed-hash.js';
import { popcount32, type PdqHash } from '../src/core/pdq/pdq-hash.js';
import { loadPdqSnapshot, savePdqSnapshot } from '../src/index-io/index-snapshot-file.js';
import { ParallelPdqSearch } from '../src/index-io/parallel-search.js';
import { makeBank, makeQueries, makeRandom } from './bench-data.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    dist: { type: 'string', default: 'uniform' },
    distance: { type: 'string', default: '31' },
    queries: { type: 'string', default: '1000' },
    'recall-queries': { type: 'string' },
    'no-faiss': { type: 'boolean', default: false },
  },
});

const n = Number(values.size);
const d = Number(values.distance);
const seed = Number(values.seed);
const dist = values.dist === 'clustered' ? 'clustered' : 'uniform';
const tmp = join(tmpdir(), `khien-bench-index-${process.pid}`);
const results: Record<string, number | string> = {};

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with node --expose-gc (npm run bench:index)');
  collect();
  collect();
}

function rss(): number {
  gc();
  return process.memoryUsage().rss;
}

function percentile(sorted: number[], f: number): number {
  return sorted[Math.floor(f * (sorted.length - 1))];
}

function log(label: string, value: number | string, unit = ''): void {
  results[label] = value;
  const shown = typeof value === 'number' ? value.toFixed(value < 10 ? 3 : 1) : value;
  console.log(`${label.padEnd(34)} ${shown}${unit ? ' ' + unit : ''}`);
}

/** The oracle: every bank position within d of packed query q (a plain scan). */
function bruteForce(bank: Uint32Array, queries: Uint32Array, q: number): number[] {
  const out: number[] = [];
  const at = q * PACKED_WORDS;
  for (let p = 0; p < n; p++) {
    let distance = 0;
    for (let j = 0; j < PACKED_WORDS; j++) {
      distance += popcount32(bank[p * PACKED_WORDS + j] ^ queries[at + j]);
    }
    if (distance <= d) out.push(p);
  }
  return out;
}

/** Single-thread latency per query; returns each query's matched ids. */
function measureLatency(index: MihPdqIndex, qs: PdqHash[]): number[][] {
  for (const q of qs.slice(0, 50)) index.search(q, d);
  const times: number[] = [];
  const found: number[][] = [];
  const t0 = performance.now();
  for (const q of qs) {
    const t = performance.now();
    const matches = index.search(q, d);
    times.push(performance.now() - t);
    found.push(matches.map((m) => m.id));
  }
  const total = performance.now() - t0;
  times.sort((a, b) => a - b);
  log('query p50, 1 thread', percentile(times, 0.5), 'ms');
  log('query p99, 1 thread', percentile(times, 0.99), 'ms');
  log('QPS, 1 thread', (qs.length / total) * 1000);
  return found;
}

async function measureParallel(index: MihPdqIndex, qs: PdqHash[]): Promise<void> {
  const search = new ParallelPdqSearch(2);
  try {
    await search.searchBatch(index, qs.slice(0, 100), d);
    const t = performance.now();
    await search.searchBatch(index, qs, d);
    log('QPS, 2 threads (worker batch)', (qs.length / (performance.now() - t)) * 1000);
  } finally {
    await search.close();
  }
}

function checkRecall(bank: Uint32Array, queries: Uint32Array, found: number[][]): void {
  const sample = Number(values['recall-queries'] ?? (n <= 1_000_000 ? found.length : 200));
  let expected = 0;
  let hits = 0;
  let extra = 0;
  for (let q = 0; q < Math.min(sample, found.length); q++) {
    const truth = bruteForce(bank, queries, q);
    const got = new Set(found[q]);
    expected += truth.length;
    hits += truth.filter((p) => got.has(p)).length;
    extra += found[q].length - truth.filter((p) => got.has(p)).length;
  }
  log('recall vs brute force', expected === 0 ? 1 : hits / expected, `(${sample} queries)`);
  log('false hits vs brute force', extra);
  log('matches in the recall sample', expected);
}

/** Adds fresh hashes one at a time; times add + the search that finds each. */
function measureLiveAdds(index: MihPdqIndex): void {
  const next = makeRandom(seed ^ 0x1234567);
  const times: number[] = [];
  for (let k = 0; k < 1000; k++) {
    const hash = Uint16Array.from({ length: 16 }, () => next() & 0xffff);
    const t = performance.now();
    index.add(n + k, hash);
    const found = index.search(hash, 0).some((m) => m.id === n + k);
    times.push(performance.now() - t);
    if (!found) throw new Error(`added hash ${n + k} was not matchable`);
  }
  times.sort((a, b) => a - b);
  log('add → matchable p50', percentile(times, 0.5), 'ms');
  log('add → matchable p99', percentile(times, 0.99), 'ms');
}

/** Compacts in slices, as the background job would, and reports the longest slice. */
function measureCompaction(index: MihPdqIndex): void {
  index.remove(0);
  const t0 = performance.now();
  const slices: number[] = [];
  index.startCompaction();
  for (let done = false; !done;) {
    const t = performance.now();
    done = index.compactStep();
    slices.push(performance.now() - t);
  }
  log('compaction total (sliced)', (performance.now() - t0) / 1000, 's');
  slices.sort((a, b) => a - b);
  const [p50, p99, max] = [0.5, 0.99, 1].map((f) => percentile(slices, f).toFixed(2));
  log('compaction slices, p50/p99/max', `${slices.length} slices, ${p50} / ${p99} / ${max} ms`);
}

function runFaiss(bank: Uint32Array, queries: Uint32Array, found: number[][]): void {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import faiss'], { encoding: 'utf8' });
  if (values['no-faiss'] || probe.status !== 0) {
    console.log('FAISS: skipped (/usr/bin/python3 with python3-faiss not available)');
    return;
  }
  const [bankPath, queryPath, outPath] = ['bank', 'queries', 'out'].map((s) => `${tmp}-${s}.bin`);
  writeFileSync(bankPath, new Uint8Array(bank.buffer, bank.byteOffset, bank.byteLength));
  writeFileSync(queryPath, new Uint8Array(queries.buffer, queries.byteOffset, queries.byteLength));
  const script = new URL('./index-faiss.py', import.meta.url).pathname;
  const run = spawnSync('/usr/bin/python3', [script, bankPath, queryPath, String(d), outPath], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  try {
    if (run.status !== 0) throw new Error(`FAISS run failed: ${run.stderr}`);
    const faiss = JSON.parse(run.stdout) as Record<string, number | string>;
    for (const [key, value] of Object.entries(faiss)) log(`faiss ${key}`, value);
    log('FAISS agreement (queries equal)', agreement(readFileSync(outPath), found));
    compare(faiss);
  } finally {
    for (const p of [bankPath, queryPath, outPath]) rmSync(p, { force: true });
  }
}

function agreement(bytes: Buffer, found: number[][]): string {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  let at = 0;
  let equal = 0;
  for (const ours of found) {
    const theirs = [...words.subarray(at + 1, at + 1 + words[at])].sort((a, b) => a - b);
    at += 1 + words[at];
    if (theirs.join() === [...ours].sort((a, b) => a - b).join()) equal++;
  }
  return `${equal}/${found.length}`;
}

function compare(faiss: Record<string, number | string>): void {
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;
  log('ratio p50 (FAISS / Khiên)', ratio(+faiss.p50_ms, +results['query p50, 1 thread']));
  log('ratio p99 (FAISS / Khiên)', ratio(+faiss.p99_ms, +results['query p99, 1 thread']));
  log('ratio QPS 1 thread (Khiên / FAISS)', ratio(+results['QPS, 1 thread'], +faiss.qps_1));
  const parallel = +results['QPS, 2 threads (worker batch)'];
  log('ratio QPS 2 threads (Khiên / FAISS)', ratio(parallel, +faiss.qps_2));
  log(
    'ratio memory (FAISS / Khiên)',
    ratio(+faiss.bytes_per_hash, +results['bytes/hash (loaded)']),
  );
  log('ratio build (FAISS / Khiên)', ratio(+faiss.build_s, +results['build']));
}

async function main(): Promise<void> {
  console.log(
    `bench:index size=${n} dist=${dist} seed=${seed} distance=${d} node=${process.version}`,
  );
  const tunables = process.env.GLIBC_TUNABLES ?? 'none';
  console.log(`GLIBC_TUNABLES=${tunables} (hugetlb=1: transparent huge pages, both sides)`);
  const bank = makeBank(n, seed, dist);
  const queries = makeQueries(bank, Number(values.queries), seed);
  const qs = Array.from({ length: queries.length / PACKED_WORDS }, (_, q) =>
    unpackPdq(queries, q * PACKED_WORDS),
  );
  const ids = Uint32Array.from({ length: n }, (_, i) => i);

  let before = rss();
  let t = performance.now();
  let index: MihPdqIndex | null = MihPdqIndex.build(ids, bank);
  log('build', (performance.now() - t) / 1000, 's');
  log('bytes/hash (built, RSS delta)', (rss() - before) / n);
  log('layout', `${index.stats().slotWidths.length} slots × ${index.stats().slotWidths[0]} bits`);

  const path = `${tmp}.khienpdq`;
  t = performance.now();
  savePdqSnapshot(path, index);
  log('snapshot save', (performance.now() - t) / 1000, 's');
  log('snapshot file', statSync(path).size / n, 'bytes/hash');
  index = null;
  before = rss();
  t = performance.now();
  const loaded = loadPdqSnapshot(path);
  log('snapshot load', (performance.now() - t) / 1000, 's');
  log('bytes/hash (loaded)', (rss() - before) / n);
  rmSync(path, { force: true });
  console.log('plan at this radius (per-slot radii):', loaded.planFor(d)?.join('') ?? 'scan');

  const found = measureLatency(loaded, qs);
  await measureParallel(loaded, qs);
  checkRecall(bank, queries, found);
  runFaiss(bank, queries, found);
  measureLiveAdds(loaded);
  measureCompaction(loaded);
}

await main();
