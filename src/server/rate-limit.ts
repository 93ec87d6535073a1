/**
 * Per-key rate limiting of the /v1 API with @fastify/rate-limit: a fixed one-minute window per
 * API key id (set by authentication, which runs first), answered with KHIEN_ERR_RATE_LIMITED
 * in the common error shape and the Retry-After header. Counters live in process memory, which
 * is right for the one-process server; several processes would share a Redis store instead.
 */
import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { KhienError } from '../errors/index.js';
import type { ServerConfig } from './build-server.js';

const WINDOW_MS = 60_000;

/** Registers the limiter on `scope` (every route registered on it afterwards is limited). */
export async function installRateLimit(scope: FastifyInstance, config: ServerConfig) {
  await scope.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: WINDOW_MS,
    hook: 'onRequest',
    keyGenerator: (request) => request.actor?.keyId ?? request.ip,
    errorResponseBuilder: (request, context) =>
      new KhienError(
        'KHIEN_ERR_RATE_LIMITED',
        `expected at most ${context.max} requests per minute for this key, got more; ` +
          `retry in ${context.after}`,
        {
          keyId: request.actor?.keyId ?? null,
          limitPerMinute: context.max,
          retryAfterSeconds: Math.ceil(context.ttl / 1000),
        },
      ),
  });
}
