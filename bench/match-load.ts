/**
 * `npm run bench:match-load`: match-by-hash throughput of `khien serve` with a large bank.
 *
 * 1. Seeds a fresh SQLite data directory with N confirmed PDQ entries (default 1,000,000)
 *    through the service's bulk import of a vetted list (`asConfirmed`), and times it.
 * 2. Starts `node bin/khien.js serve` on it as a child process and times until /readyz.
 * 3. From a separate load process, first drives GET /healthz (the anchor: this machine's
 *    HTTP ceiling in this run), then POST /v1/match with one PDQ hash per request, alternating
 *    near-duplicates of banked hashes (hits, 0–15 bits flipped) and random hashes (misses).
 *    The load process is wrk (bench/match-load-wrk.lua) when it is installed (`apt-get install
 *    wrk`), else autocannon (bench/match-load-client.ts). On two cores the client's own CPU
 *    counts: autocannon took about 0.4 of a core at 5,000 requests/s here, wrk about 0.15.
 * 4. Prints requests/s, p50/p99 latency, the ratio to the anchor, hits seen by the server's
 *    metrics and the server's resident memory.
 *
 * Usage: npm run bench:match-load -- [--entries N] [--duration S] [--connections C] [--keep]
 *   [--client wrk|autocannon]
 * A kept run can be measured again without seeding: --data-dir DIR --matcher-key KEY.
 * Target (issue 3): ≥ 5,000 requests/s with p99 < 20 ms on the 2-core machine at 1M entries.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import { KhienService } from '../src/service/khien-service.js';
import { openStore } from '../src/store/open-store.js';
import type { Actor } from '../src/service/types.js';
import { makeRandom } from './bench-data.js';

const { values: opts } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    queries: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '20261203' },
    keep: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'matcher-key': { type: 'string' },
    client: { type: 'string', default: hasWrk() ? 'wrk' : 'autocannon' },
  },
});
const ENTRIES = Number(opts.entries);
const DURATION = Number(opts.duration);
const CONNECTIONS = Number(opts.connections);
const QUERIES = Number(opts.queries);
const next = makeRandom(Number(opts.seed));

function randomPdq(): string {
  let hex = '';
  for (let i = 0; i < 8; i++) hex += next().toString(16).padStart(8, '0');
  return hex;
}

/** `hex` with `bits` distinct random bits flipped. */
function flip(hex: string, bits: number): string {
  const nibbles = hex.split('').map((c) => parseInt(c, 16));
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() & 255);
  for (const bit of chosen) nibbles[bit >>> 2] ^= 1 << (bit & 3);
  return nibbles.map((n) => n.toString(16)).join('');
}

const seconds = (ms: number) => (ms / 1000).toFixed(1) + ' s';

/** Seeds the bank; returns the keys and a sample of banked hashes to make hits from. */
async function seed(dataDir: string) {
  const config = loadConfig({ env: {}, flags: { dataDir } });
  const store = await openStore({ dataDir });
  // No engine while seeding: this process never matches, and indexing (and replaying the
  // import's own transitions into the index) was a third of the seeding time. The server
  // builds its index from the store at start, which is what the index load time measures.
  const service = new KhienService({ store, config, matchEngine: false });
  await service.start({ background: false });

  const boot = await service.bootstrap({ orgName: 'Bench hotline', kind: 'hotline' });
  const admin = await service.authenticate(boot.key, 'bench-seed');
  const platform = await service.createOrganisation(admin, {
    name: 'Bench platform',
    kind: 'platform',
  });
  const curatorKey = await service.createKey(admin, {
    orgId: boot.organisation.id,
    roles: ['curator', 'contributor'],
  });
  const matcherKey = await service.createKey(admin, { orgId: platform.id, roles: ['matcher'] });
  const curator: Actor = await service.authenticate(curatorKey.key, 'bench-seed');
  const bank = await service.createBank(curator, {
    name: 'Bench bank',
    matchers: [platform.id],
  });

  const listPath = join(dataDir, 'vetted-list.jsonl');
  const sample: string[] = [];
  const out = createWriteStream(listPath);
  for (let i = 0; i < ENTRIES; i++) {
    const pdq = randomPdq();
    if (i % Math.max(1, Math.floor(ENTRIES / 5000)) === 0) sample.push(pdq);
    const line = JSON.stringify({ signals: [{ type: 'pdq', value: pdq, quality: 100 }] });
    if (!out.write(line + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  const started = Date.now();
  const report = await service.importEntries(curator, {
    bankId: bank.id,
    path: listPath,
    format: 'jsonl',
    source: 'bench vetted list',
    asConfirmed: true,
    chunkSize: 10_000,
  });
  const seedMs = Date.now() - started;
  await service.stop();
  await store.close();
  rmSync(listPath);
  return { matcherKey: matcherKey.key, sample, seedMs, committed: report.committed };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

async function waitReady(url: string, server: ChildProcess): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
}

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

interface LoadArgs {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly duration: number;
  readonly connections: number;
  readonly key?: string;
  readonly bodiesFile?: string;
}

/** Runs the load client in its own process and returns its summary. */
async function load(args: LoadArgs): Promise<LoadResult> {
  const [command, argv] =
    opts.client === 'wrk'
      ? [
          'wrk',
          [
            ...['-t1', `-c${args.connections}`, `-d${args.duration}s`, '--latency'],
            ...['-s', 'bench/match-load-wrk.lua', args.url, '--'],
            ...[args.bodiesFile ?? '-', args.key ?? '', args.method],
          ],
        ]
      : [process.execPath, ['--import', 'tsx', 'bench/match-load-client.ts', JSON.stringify(args)]];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`the load client exited with ${code}`);
  const summary = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(summary) as LoadResult;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ')[1]) : NaN;
}

function queryBodies(sample: string[], path: string): void {
  const lines: string[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const value = i % 2 === 0 ? flip(sample[next() % sample.length], next() % 16) : randomPdq();
    lines.push(JSON.stringify({ signals: [{ type: 'pdq', value }] }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  const reuse = opts['data-dir'];
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), 'khien-match-load-'));
  const bodiesFile = join(dataDir, 'queries.txt');
  let seeded: { matcherKey: string; seedMs: number; committed: number };
  if (reuse) {
    seeded = { matcherKey: opts['matcher-key'] ?? '', seedMs: NaN, committed: ENTRIES };
  } else {
    process.stdout.write(`seeding ${ENTRIES.toLocaleString('en')} confirmed PDQ entries…\n`);
    const made = await seed(dataDir);
    seeded = made;
    process.stdout.write(
      `seeded ${made.committed.toLocaleString('en')} entries in ${seconds(made.seedMs)} ` +
        `(${Math.round(made.committed / (made.seedMs / 1000)).toLocaleString('en')}/s)\n`,
    );
    queryBodies(made.sample, bodiesFile);
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(
    process.execPath,
    ['bin/khien.js', 'serve', '--data-dir', dataDir, '--port', String(port)],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      // Per-request log lines off (they would be a tenth of the work); a bench-sized limit;
      // transparent huge pages for the index arrays, as the README advises for production.
      env: {
        ...process.env,
        KHIEN_LOG_LEVEL: 'warn',
        KHIEN_RATE_LIMIT_PER_MINUTE: '100000000',
        GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
      },
    },
  );
  try {
    const readyMs = await waitReady(url, server);
    process.stdout.write(`server ready (index loaded) in ${seconds(readyMs)}\n`);
    const common = { duration: DURATION, connections: CONNECTIONS };
    await load({
      ...common,
      duration: 3,
      url: `${url}/v1/match`,
      method: 'POST',
      key: seeded.matcherKey,
      bodiesFile,
    });
    const anchor = await load({ ...common, url: `${url}/healthz`, method: 'GET' });
    const queriesBefore = await metric(url, 'khien_match_queries_total');
    const hitsBefore = await metric(url, 'khien_match_hits_total');
    const matched = await load({
      ...common,
      url: `${url}/v1/match`,
      method: 'POST',
      key: seeded.matcherKey,
      bodiesFile,
    });
    const queries = (await metric(url, 'khien_match_queries_total')) - queriesBefore;
    const hits = (await metric(url, 'khien_match_hits_total')) - hitsBefore;
    const rss = rssMiB(server.pid!);

    const row = (name: string, r: LoadResult) =>
      `${name.padEnd(22)} ${Math.round(r.rps).toString().padStart(8)} ${String(r.p50).padStart(7)}` +
      ` ${String(r.p99).padStart(7)} ${String(r.max).padStart(7)} ${String(r.non2xx + r.errors).padStart(7)}`;
    process.stdout.write(
      [
        '',
        `${'endpoint'.padEnd(22)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'errors'.padStart(7)}`,
        row('GET /healthz (anchor)', anchor),
        row('POST /v1/match', matched),
        '',
        `match / anchor throughput: ${(matched.rps / anchor.rps).toFixed(2)}`,
        `queries answered: ${queries}, with a match: ${hits} hits`,
        `server RSS after the run: ${rss} MiB with ${ENTRIES.toLocaleString('en')} entries`,
        `seeding: ${seconds(seeded.seedMs)}; index load at start: ${seconds(readyMs)}`,
        `load client: ${opts.client}, ${CONNECTIONS} connections, ${DURATION} s per endpoint`,
        `target: ≥ 5000 req/s and p99 < 20 ms → ${matched.rps >= 5000 && matched.p99 < 20 ? 'met' : 'NOT met'}`,
        '',
      ].join('\n'),
    );
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
    if (!opts.keep && !reuse) rmSync(dataDir, { recursive: true, force: true });
    else process.stdout.write(`data kept in ${dataDir}; matcher key ${seeded.matcherKey}\n`);
  }
}

await main();
