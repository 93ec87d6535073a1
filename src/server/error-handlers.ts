/**
 * The error and not-found handlers: every failure leaves as `{"error":{"code","message",
 * "details"}}` with the catalogue status. A path that exists under another method answers 405
 * with an Allow header rather than 404, so a client learns it used the wrong verb.
 */
import type { FastifyInstance } from 'fastify';
import { KhienError } from '../errors/index.js';
import { toHttpError } from './http-error.js';
import type { AnyRouteSpec } from './route-spec.js';

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
