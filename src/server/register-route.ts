/**
 * Registers one route spec on a fastify scope: checks the content type against what the spec
 * accepts, validates path, query and body with the spec's zod schemas, reads an upload into
 * memory, calls the handler and answers with the spec's status.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KhienError } from '../errors/index.js';
import type { Actor } from '../service/types.js';
import { parseInput } from './parse-input.js';
import { readUpload } from './read-upload.js';
import type { AnyRouteSpec } from './route-spec.js';

/** Stands in for the caller on public endpoints, which have none. */
const ANONYMOUS: Actor = Object.freeze({ orgId: '', keyId: '', roles: [], requestId: '' });

export function registerRoute(scope: FastifyInstance, spec: AnyRouteSpec): void {
  scope.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      const multipart = checkContentType(request, spec);
      const params = spec.params ? parseInput(spec.params, request.params, 'path') : {};
      const query = spec.query ? parseInput(spec.query, request.query, 'query') : {};
      const body =
        spec.body && !multipart
          ? parseInput(spec.body, request.body ?? {}, 'body', spec.fieldCodes)
          : undefined;
      const upload = multipart && spec.upload ? await readUpload(request, spec.upload) : undefined;

      const actor = request.actor ?? { ...ANONYMOUS, requestId: request.id };
      const result = await spec.handler({ actor, params, query, body, upload, request, reply });
      if (!reply.sent) reply.code(spec.status);
      return result;
    },
  });
}

/** True for a multipart request; 415 when the spec does not take the request's kind of body. */
function checkContentType(request: FastifyRequest, spec: AnyRouteSpec): boolean {
  const multipart = request.isMultipart();
  const got = request.headers['content-type'] ?? 'no Content-Type';
  if (multipart && !spec.upload) {
    throw new KhienError(
      'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE',
      `expected application/json on ${spec.method} ${spec.url}, got ${got}`,
      { accepted: ['application/json'] },
    );
  }
  if (!multipart && spec.upload && !spec.body) {
    throw new KhienError(
      'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE',
      `expected multipart/form-data on ${spec.method} ${spec.url}, got ${got}`,
      { accepted: ['multipart/form-data'] },
    );
  }
  return multipart;
}
