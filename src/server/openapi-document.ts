/**
 * Builds the OpenAPI 3.0 document served at /openapi.json from the route specs, converting the
 * same zod schemas the server validates with (zod-to-json-schema, target openApi3). Nothing here
 * is written by hand per endpoint: adding a route spec adds it to the document.
 */
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors/index.js';
import { MEDIA_FIELD } from './read-upload.js';
import type { AnyRouteSpec } from './route-spec.js';

/** The error body every failure answers with. */
export const ERROR_BODY_SCHEMA = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]]),
    message: z.string().describe('What was expected and what was received.'),
    details: z.record(z.unknown()),
  }),
});

/** Codes every authenticated endpoint may answer with. */
export const COMMON_API_ERRORS: readonly ErrorCode[] = [
  'KHIEN_ERR_INVALID_ARGUMENT',
  'KHIEN_ERR_RATE_LIMITED',
  'KHIEN_ERR_INTERNAL',
];

type JsonObject = Record<string, unknown>;

/** JSON schema (OpenAPI 3.0 dialect) of a zod schema, inlined without $refs. */
export function jsonSchemaOf(schema: z.ZodTypeAny): JsonObject {
  const out = zodToJsonSchema(schema, { target: 'openApi3', $refStrategy: 'none' }) as JsonObject;
  delete out.$schema;
  return out;
}

/** The whole document for `routes`. */
export function buildOpenApiDocument(
  routes: readonly AnyRouteSpec[],
  info: { title: string; version: string; description: string },
  authErrors: readonly ErrorCode[],
): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operationOf(route, authErrors);
  }

  return {
    openapi: '3.0.3',
    info,
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key made by `khien admin bootstrap` or POST /v1/keys.',
        },
      },
      schemas: { Error: jsonSchemaOf(ERROR_BODY_SCHEMA) },
    },
  };
}

function operationOf(route: AnyRouteSpec, authErrors: readonly ErrorCode[]): JsonObject {
  const roles = route.roles?.length ? `\n\nRoles: ${route.roles.join(', ')}.` : '';
  const operation: JsonObject = {
    operationId: route.operationId,
    summary: route.summary,
    description: (route.description ?? route.summary) + roles,
    tags: [...route.tags],
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
    responses: responsesOf(route, authErrors),
    security: route.public ? [] : [{ apiKey: [] }],
  };
  const requestBody = requestBodyOf(route);
  if (requestBody) operation.requestBody = requestBody;
  return operation;
}

function parametersOf(schema: z.ZodTypeAny | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const shape = (schema as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
  return Object.entries(shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.isOptional(),
    description: field.description,
    schema: jsonSchemaOf(field),
  }));
}

function requestBodyOf(route: AnyRouteSpec): JsonObject | undefined {
  const content: JsonObject = {};
  if (route.body) content['application/json'] = { schema: jsonSchemaOf(route.body) };
  if (route.upload) {
    const properties: JsonObject = {
      [MEDIA_FIELD]: { type: 'string', format: 'binary', description: route.upload.description },
    };
    for (const [name, doc] of Object.entries(route.upload.fields ?? {})) {
      properties[name] = { type: 'string', description: doc };
    }
    content['multipart/form-data'] = {
      schema: { type: 'object', required: [MEDIA_FIELD], properties },
    };
  }
  if (Object.keys(content).length === 0) return undefined;
  return { required: true, content };
}

function responsesOf(route: AnyRouteSpec, authErrors: readonly ErrorCode[]): JsonObject {
  const responses: JsonObject = {
    [String(route.status)]: {
      description: route.status === 201 ? 'Created.' : 'Success.',
      content: { [route.produces ?? 'application/json']: { schema: jsonSchemaOf(route.response) } },
    },
  };
  const codes = new Set<ErrorCode>([
    ...(route.public ? [] : [...authErrors, ...COMMON_API_ERRORS]),
    ...(route.errors ?? []),
    'KHIEN_ERR_INTERNAL',
  ]);
  for (const [status, group] of groupByStatus(codes)) {
    responses[String(status)] = {
      description: group
        .map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].description}`)
        .join('\n\n'),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return responses;
}

function groupByStatus(codes: Iterable<ErrorCode>): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort((a, b) => a[0] - b[0]));
}
