/**
 * Compares slot layouts of the multi-index on one data set: build time, bytes of slot tables
 * per hash, probes and candidates per query (exact counts, immune to machine noise) and query
 * latency. Queries run round-robin over the layouts so that load from other processes hits all
 * of them alike. Used to choose chooseLayout and the cost constants of search-plan.ts.
 * Usage: tsx bench/index-layouts.ts --size N --layouts 16x16,11x23 [--distance 31]
 * [--dist uniform|clustered] [--seed 1] [--queries 1000]
 */
import { parseArgs } from 'node:util';
import { bucketSize, type MihBase } from '../src/core/index/mih-base.js';
import { MihPdqIndex } from '../src/core/index/mih-pdq-index.js';
import { PACKED_WORDS, unpackPdq } from '../src/core/index/packed-hash.js';
import { probeMasks } from '../src/core/index/probe-masks.js';
import { slotValue } from '../src/core/index/slot-layout.js';
import { makeBank, makeQueries } from './bench-data.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1000000' },
    layouts: { type: 'string', default: '16x16,12x21,11x20,11x23' },
    distance: { type: 'string', default: '31' },
    dist: { type: 'string', default: 'uniform' },
    seed: { type: 'string', default: '1' },
    queries: { type: 'string', default: '1000' },
  },
});

/** Probes, non-empty buckets and candidates the plan visits for packed query `q` at `at`. */
function work(base: MihBase, plan: Int8Array, q: Uint32Array, at: number): number[] {
  let probes = 0;
  let full = 0;
  let candidates = 0;
  const { starts, widths } = base.layout;
  for (let i = 0; i < widths.length; i++) {
    if (plan[i] < 0) continue;
    const masks = probeMasks(widths[i], plan[i]);
    const qv = slotValue(q, at, starts[i], widths[i]);
    probes += masks.length;
    for (const m of masks) {
      const size = bucketSize(base, i, qv ^ m);
      full += size > 0 ? 1 : 0;
      candidates += size;
    }
  }
  return [probes, full, candidates];
}

const n = Number(values.size);
const d = Number(values.distance);
const bank = makeBank(n, Number(values.seed), values.dist as 'uniform');
const queries = makeQueries(bank, Number(values.queries), Number(values.seed));
const ids = Uint32Array.from({ length: n }, (_, i) => i);
const qs = Array.from({ length: queries.length / PACKED_WORDS }, (_, q) =>
  unpackPdq(queries, q * PACKED_WORDS),
);

const runs = values.layouts.split(',').map((name) => {
  const [slots, slotWidth] = name.split('x').map(Number);
  const t0 = performance.now();
  const index = MihPdqIndex.build(ids, bank, { slots, slotWidth });
  const buildMs = performance.now() - t0;
  return { name, index, buildMs, times: [] as number[], matches: 0 };
});

for (let round = 0; round < 2; round++) {
  for (let q = 0; q < qs.length; q++) {
    for (const run of runs) {
      const t = performance.now();
      const found = run.index.search(qs[q], d).length;
      if (round === 1) [run.times[q], run.matches] = [performance.now() - t, run.matches + found];
    }
  }
}

for (const run of runs) {
  const base = run.index.currentBase();
  const plan = run.index.planFor(d);
  let tableBytes = 0;
  for (let i = 0; i < base.bitmaps.length; i++) {
    tableBytes += base.bitmaps[i].byteLength + base.groupStarts[i].byteLength;
    tableBytes += base.entries[i].byteLength;
  }
  let [probes, full, candidates] = [0, 0, 0];
  for (let q = 0; plan !== null && q < qs.length; q++) {
    const [p, f, c] = work(base, plan, queries, q * PACKED_WORDS);
    [probes, full, candidates] = [probes + p, full + f, candidates + c];
  }
  const times = run.times.sort((a, b) => a - b);
  const pct = (f: number): string => times[Math.floor(f * (times.length - 1))].toFixed(3);
  const perQuery = (count: number): string => (count / qs.length).toFixed(0);
  console.log(
    `${run.name}: widths=${base.layout.widths[0]} plan=${plan === null ? 'scan' : plan.join('')} ` +
      `build=${run.buildMs.toFixed(0)}ms tables=${(tableBytes / n).toFixed(1)}B/hash ` +
      `probes=${perQuery(probes)} full=${perQuery(full)} candidates=${perQuery(candidates)} ` +
      `p50=${pct(0.5)}ms p99=${pct(0.99)}ms matches=${run.matches}`,
  );
}
