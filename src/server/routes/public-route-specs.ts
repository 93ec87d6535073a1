/**
 * The endpoints without a key: liveness, readiness (not ready until the match index is
 * loaded), Prometheus metrics and the OpenAPI document.
 */
import { z } from 'zod';
import { KhienError } from '../../errors/index.js';
import { defineRoute, type AnyRouteSpec } from '../route-spec.js';
import type { ServerContext } from '../build-server.js';

const TAGS = ['operations'];

export function publicRouteSpecs(
  { service, metrics }: ServerContext,
  openApiDocument: () => Record<string, unknown>,
): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      operationId: 'health',
      summary: 'Liveness: the process answers.',
      tags: TAGS,
      public: true,
      status: 200,
      response: z.object({ status: z.literal('ok') }),
      handler: () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      operationId: 'ready',
      summary: 'Readiness: 200 once the match index holds every confirmed signal, else 503.',
      tags: TAGS,
      public: true,
      status: 200,
      response: z.object({
        status: z.literal('ready'),
        indexedSignals: z.number().int(),
        loadMs: z.number().nullable(),
      }),
      errors: ['KHIEN_ERR_NOT_READY'],
      handler: () => {
        const health = service.health();
        if (!health.ready) {
          throw new KhienError('KHIEN_ERR_NOT_READY', 'the match index is still loading', {
            indexedSignals: health.indexedSignals,
          });
        }
        return {
          status: 'ready' as const,
          indexedSignals: health.indexedSignals,
          loadMs: health.loadMs,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics (text exposition format).',
      tags: TAGS,
      public: true,
      produces: 'text/plain; version=0.0.4',
      status: 200,
      response: z.string(),
      handler: async ({ reply }) => {
        const { contentType, body } = await metrics.render();
        reply.type(contentType);
        return body;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This API described in OpenAPI 3.0, generated from the schemas it validates with.',
      tags: TAGS,
      public: true,
      status: 200,
      response: z.record(z.unknown()),
      handler: () => openApiDocument(),
    }),
  ];
}
