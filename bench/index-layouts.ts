/**
 * Measures slot layouts of the multi-index on one data set: build time, bytes of slot tables
 * per hash, probes and query latency at a radius. Used to choose chooseSlotCount and the cost
 * constants of search-plan.ts. Usage: tsx bench/index-layouts.ts --size N --slots 16,12,11
 * [--distance 31] [--dist uniform|clustered] [--seed 1].
 */
import { parseArgs } from 'node:util';
import { MihPdqIndex } from '../src/core/index/mih-pdq-index.js';
import { unpackPdq, PACKED_WORDS } from '../src/core/index/packed-hash.js';
import { makeBank, makeQueries } from './bench-data.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1000000' },
    slots: { type: 'string', default: '16,13,12,11' },
    distance: { type: 'string', default: '31' },
    dist: { type: 'string', default: 'uniform' },
    seed: { type: 'string', default: '1' },
    queries: { type: 'string', default: '1000' },
  },
});
const n = Number(values.size);
const d = Number(values.distance);
const bank = makeBank(n, Number(values.seed), values.dist as 'uniform');
const queries = makeQueries(bank, Number(values.queries), Number(values.seed));
const ids = Uint32Array.from({ length: n }, (_, i) => i);
const qs = Array.from({ length: queries.length / PACKED_WORDS }, (_, q) =>
  unpackPdq(queries, q * PACKED_WORDS),
);

for (const slots of values.slots.split(',').map(Number)) {
  const t0 = performance.now();
  const index = MihPdqIndex.build(ids, bank, { slots });
  const buildMs = performance.now() - t0;
  const base = index.currentBase();
  let tableBytes = 0;
  for (let i = 0; i < base.offsets.length; i++) {
    tableBytes += base.offsets[i].byteLength + base.entries[i].byteLength;
  }
  for (const q of qs.slice(0, 50)) index.search(q, d);
  const times: number[] = [];
  let matches = 0;
  for (const q of qs) {
    const t = performance.now();
    matches += index.search(q, d).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const p = (f: number): string => times[Math.floor(f * (times.length - 1))].toFixed(3);
  console.log(
    `slots=${slots} widths=${base.layout.widths.join('/')} build=${buildMs.toFixed(0)}ms ` +
      `tables=${(tableBytes / n).toFixed(1)}B/hash p50=${p(0.5)}ms p99=${p(0.99)}ms ` +
      `mean=${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(3)}ms matches=${matches}`,
  );
}
