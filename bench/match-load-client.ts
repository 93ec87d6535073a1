/**
 * The load process of `npm run bench:match-load`, run as a child of the benchmark so that the
 * server and the load generator are separate processes. It drives autocannon against one URL
 * for a fixed time and prints autocannon's summary as one JSON line on stdout.
 *
 * Input (argv[2], JSON): url, method, key, duration (s), connections, and optionally
 * bodiesFile: a file of request bodies, one per line, sent in turn (one PDQ hash each).
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

interface ClientArgs {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly key?: string;
  readonly duration: number;
  readonly connections: number;
  readonly bodiesFile?: string;
}

const args = JSON.parse(process.argv[2]) as ClientArgs;
const bodies = args.bodiesFile ? readFileSync(args.bodiesFile, 'utf8').split('\n') : [];
if (bodies.at(-1) === '') bodies.pop();
let next = 0;

const headers: Record<string, string> = { 'content-type': 'application/json' };
if (args.key) headers.authorization = `Bearer ${args.key}`;

const result = await autocannon({
  url: args.url,
  duration: args.duration,
  connections: args.connections,
  requests: [
    {
      method: args.method,
      headers,
      // Each request carries the next query of the list, so hits and misses interleave.
      setupRequest: (request) => {
        if (bodies.length > 0) request.body = bodies[next++ % bodies.length];
        return request;
      },
    },
  ],
});

process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
  }) + '\n',
);
