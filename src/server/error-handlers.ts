/**
 * The error and not-found handlers: every failure leaves as `{"error":{"code","message",
 * "details"}}` with the catalogue status. A path that exists under another method answers 405
 * with an Allow header rather than 404, so a client learns it used the wrong verb.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KhienError } from '../errors/index.js';
import { toHttpError } from './http-error.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import type { AnyRouteSpec } from './route-spec.js';

/**
 * Longest path parameter the router accepts. Ids are at most 100 characters (zod names a
 * longer one as an invalid field); the router limit sits well above so that only absurd paths
 * reach the framework error below.
 */
export const MAX_PATH_PARAM_LENGTH = 500;

/**
 * Fastify's `frameworkErrors` option: the failures it raises before routing (a path that is
 * not valid percent-encoding, a parameter over the router limit) skip the error handler and
 * would otherwise answer with fastify's own body shape and, for the length, a 414.
 */
export function answerFrameworkError(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const path = request.raw.url?.split('?')[0] ?? '';
  let error: KhienError;
  if (err.code === 'FST_ERR_BAD_URL') {
    error = new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `the request path is not valid percent-encoding: ${path}`,
      { path },
    );
  } else if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    error = new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `a path parameter is longer than ${MAX_PATH_PARAM_LENGTH} characters`,
      { maxLength: MAX_PATH_PARAM_LENGTH },
    );
  } else {
    error = toHttpError(err);
    if (error.status === 500) request.log.error({ err }, error.message);
  }
  reply.header(REQUEST_ID_HEADER, request.id);
  return reply.code(error.status).send(error.toJSON());
}

/** Installs both handlers; `routes` are the specs used to tell 405 from 404. */
export function installErrorHandlers(app: FastifyInstance, routes: readonly AnyRouteSpec[]): void {
  const methodsFor = allowedMethods(routes);

  app.setErrorHandler((err, request, reply) => {
    const error = toHttpError(err, request.headers['content-type']);
    if (error.status === 500) request.log.error({ err }, error.message);
    if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="khien"');
    return reply.code(error.status).send(error.toJSON());
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = methodsFor(path);
    const error =
      allowed.length > 0
        ? new KhienError(
            'KHIEN_ERR_METHOD_NOT_ALLOWED',
            `expected one of ${allowed.join(', ')} on ${path}, got ${request.method}`,
            { allowed },
          )
        : new KhienError('KHIEN_ERR_ROUTE_NOT_FOUND', `no endpoint ${request.method} ${path}`, {
            method: request.method,
            path,
          });
    if (allowed.length > 0) reply.header('allow', allowed.join(', '));
    return reply.code(error.status).send(error.toJSON());
  });
}

/** A function from a concrete path to the methods some route serves it with. */
function allowedMethods(routes: readonly AnyRouteSpec[]): (path: string) => string[] {
  const patterns = routes.map((route) => ({
    method: route.method,
    pattern: new RegExp('^' + route.url.replace(/:[A-Za-z0-9_]+/g, '[^/]+') + '/?$'),
  }));
  return (path) => {
    const methods: string[] = patterns.filter((p) => p.pattern.test(path)).map((p) => p.method);
    if (methods.includes('GET')) methods.push('HEAD');
    return [...new Set(methods)];
  };
}
