/**
 * How long a connection may hold the server: the time to send the headers and the whole
 * request, and the idle time between keep-alive requests. Without them a client that sends
 * `Content-Length: 1000` and ten bytes keeps a socket open for minutes, and a few hundred such
 * clients exhaust the server. A request cut off by a limit is answered by client-errors.ts.
 */
import type { ServerOptions } from 'node:http';
import type { Config } from '../config/index.js';

/** The settings this module reads. */
export type ConnectionConfig = Pick<
  Config,
  'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'
>;

/** The part of fastify's options that sets the limits of each connection. */
export interface ConnectionOptions {
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
  readonly http: ServerOptions;
}

/**
 * Fastify sets `requestTimeout` and `keepAliveTimeout` on the Node server after creating it;
 * the headers timeout and the checking interval exist only as Node's own server options.
 *
 * The headers timeout is capped at the request timeout: Node 20 cuts a stalled request only
 * once the later of the two has passed (measured: with 300 ms for the request and 1500 ms for
 * the headers, a stalled body is cut at 1500 ms), so a larger headers limit would silently
 * stretch the request limit.
 *
 * There is deliberately no idle-socket timeout (fastify's `connectionTimeout`): a socket is
 * also silent while the server works on a request (hashing a large upload), and cutting it
 * then would lose the answer.
 */
export function connectionOptions(config: ConnectionConfig): ConnectionOptions {
  const requestTimeout = config.requestTimeoutMs;
  const headersTimeout = Math.min(config.headersTimeoutMs, requestTimeout);
  return {
    requestTimeout,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      requestTimeout,
      headersTimeout,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingInterval(headersTimeout),
    },
  };
}

/**
 * Node looks for expired requests on a timer, every 30 s by default, so a limit is enforced
 * up to that late. A tenth of the shortest limit, between 10 ms and 1 s, keeps the lateness
 * small; each check only walks the list of connections with a request in progress.
 */
function checkingInterval(shortestLimitMs: number): number {
  return Math.min(1000, Math.max(10, Math.floor(shortestLimitMs / 10)));
}
