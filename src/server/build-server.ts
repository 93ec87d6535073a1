/**
 * Builds the fastify application of `khien serve`: request ids, one log line and metrics per
 * request, the error mapping, multipart uploads held in memory, the public endpoints (health,
 * readiness, metrics, the OpenAPI document) and the authenticated, rate-limited /v1 API. It
 * does not listen; the serve command (or a test with inject) does.
 */
import fastify, { LogController, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { Config } from '../config/index.js';
import { logger as rootLogger, type Logger } from '../log/logger.js';
import type { KhienService } from '../service/khien-service.js';
import { apiRouteSpecs } from './routes/api-route-specs.js';
import { publicRouteSpecs } from './routes/public-route-specs.js';
import {
  answerFrameworkError,
  installErrorHandlers,
  MAX_PATH_PARAM_LENGTH,
} from './error-handlers.js';
import { HttpMetrics } from './http-metrics.js';
import { AUTH_ERRORS, installAuthentication } from './authenticate-request.js';
import { installRateLimit } from './rate-limit.js';
import { registerRoute } from './register-route.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import type { AnyRouteSpec } from './route-spec.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { clientErrorHandler } from './client-errors.js';
import { connectionOptions, type ConnectionConfig } from './connection-limits.js';
import { installJsonBodyParser } from './json-body.js';

/** Settings the server reads; the whole Config satisfies it. */
export type ServerConfig = Pick<
  Config,
  'rateLimitPerMinute' | 'maxBatchSize' | 'maxUploadBytes' | 'maxJsonBodyBytes'
> &
  ConnectionConfig;

export interface ServerOptions {
  readonly service: KhienService;
  readonly config: ServerConfig;
  readonly logger?: Logger;
  /** Version shown in the OpenAPI document. */
  readonly version?: string;
}

/** Things the routes need besides the request: the service, the limits and the metrics. */
export interface ServerContext {
  readonly service: KhienService;
  readonly config: ServerConfig;
  readonly metrics: HttpMetrics;
}

/** The fastify instance with every route registered, ready to `listen` or `inject`. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { service, config } = options;
  const log = (options.logger ?? rootLogger).child({ component: 'http' });
  // The cast drops pino's exact logger type, which fastify's generics would otherwise carry
  // into every helper's signature.
  const app = fastify({
    loggerInstance: log,
    genReqId: requestIdFor,
    // One line per request, written by our onResponse hook, instead of fastify's two.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    bodyLimit: config.maxJsonBodyBytes,
    return503OnClosing: true,
    // `/v1/banks/` is `/v1/banks`, not a request for the bank whose id is empty.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH, ignoreTrailingSlash: true },
    frameworkErrors: answerFrameworkError,
    ...connectionOptions(config),
    clientErrorHandler: clientErrorHandler(config, log),
  }) as unknown as FastifyInstance;
  const metrics = new HttpMetrics(() => service.health().indexedSignals);
  const context: ServerContext = { service, config, metrics };

  // Only JSON and multipart bodies: a text/plain body gets 415, not a string handed to zod.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  app.decorateRequest('actor', null);
  await app.register(multipart, { limits: uploadLimits(config) });
  installRequestHooks(app, metrics, log.isLevelEnabled('info'));

  // The document is built on first request, from the very specs registered below.
  const routes: AnyRouteSpec[] = [];
  let document: Record<string, unknown> | undefined;
  const getDocument = () => (document ??= openApiDocument(routes, options));
  const apiRoutes = apiRouteSpecs(context);
  routes.push(...publicRouteSpecs(context, getDocument), ...apiRoutes);
  installErrorHandlers(app, routes);

  for (const route of routes.filter((r) => r.public)) registerRoute(app, route);
  await app.register(async (v1) => {
    installAuthentication(v1, service);
    await installRateLimit(v1, config);
    for (const route of apiRoutes) registerRoute(v1, route);
  });
  return app;
}

/** Multipart limits: one file, a few small fields; the file size limit applies while streaming. */
function uploadLimits(config: ServerConfig) {
  return {
    fileSize: config.maxUploadBytes,
    files: 1,
    fields: 8,
    fieldSize: config.maxJsonBodyBytes,
    parts: 10,
    headerPairs: 100,
  };
}

/** Echoes the request id and records one log line and the metrics of every answered request. */
function installRequestHooks(
  app: FastifyInstance,
  metrics: HttpMetrics,
  logRequests: boolean,
): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  // An answer sent before the whole body arrived (a 401 to an upload, say) closes the
  // connection. Kept open, Node would read and drop the rest first, and a body that never
  // completes would get a second answer, a 408, once requestTimeoutMs passed. `complete` is
  // undefined under inject, which has no connection.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.raw.complete === false) reply.header('connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const durationMs = reply.elapsedTime;
    metrics.observeRequest(request.method, route, reply.statusCode, durationMs / 1000);
    if (!logRequests) return; // the line's object is not even built when it would be dropped
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(durationMs * 100) / 100,
        orgId: request.actor?.orgId,
        keyId: request.actor?.keyId,
      },
      'request',
    );
  });
}

function openApiDocument(routes: readonly AnyRouteSpec[], options: ServerOptions) {
  return buildOpenApiDocument(
    routes,
    {
      title: 'Khiên hash database API',
      version: options.version ?? '0.1.0',
      description:
        'Organisations, API keys, banks of fingerprints, contribution with review, matching, ' +
        'statistics and the audit log. Every /v1 request carries `Authorization: Bearer <key>`; ' +
        'every error answers `{"error":{"code","message","details"}}` (docs/errors.md).',
    },
    AUTH_ERRORS,
  );
}
