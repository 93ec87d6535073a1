/**
 * One HTTP endpoint described once: method, path, the zod schemas of its input and output, who
 * may call it, and its handler. The server registers routes from these specs and /openapi.json
 * is generated from the very same specs, so what is validated and what is documented cannot
 * drift apart.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ErrorCode } from '../errors/index.js';
import type { Actor } from '../service/types.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A file received by a multipart upload, held in memory only (never written to disk). */
export interface UploadedMedia {
  readonly bytes: Buffer;
  readonly filename: string;
  readonly mimetype: string;
  /** The text fields sent beside the file, by name. */
  readonly fields: Readonly<Record<string, string>>;
}

/** How an endpoint accepts a multipart upload: one file in `media` and optional text fields. */
export interface UploadSpec {
  readonly description: string;
  /** Text fields, documented in OpenAPI; each is a string (JSON where the description says). */
  readonly fields?: Readonly<Record<string, string>>;
}

/** What a handler receives: the caller and the validated input. */
export interface RouteContext<P, Q, B> {
  /** The authenticated caller; a placeholder with no roles on public routes. */
  readonly actor: Actor;
  readonly params: P;
  readonly query: Q;
  /** The validated JSON body, or undefined when the request was a multipart upload. */
  readonly body: B | undefined;
  /** The uploaded file, or undefined when the request was JSON. */
  readonly upload: UploadedMedia | undefined;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

type Schema = z.ZodTypeAny;

/** The full description of one endpoint. */
export interface RouteSpec<
  P extends Schema = Schema,
  Q extends Schema = Schema,
  B extends Schema = Schema,
  R extends Schema = Schema,
> {
  readonly method: HttpMethod;
  /** Fastify path syntax: `/v1/banks/:bankId`. */
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** True for endpoints without a bearer key (health, metrics, the document itself). */
  readonly public?: boolean;
  /** Roles of which the caller needs one; documentation only, the service decides. */
  readonly roles?: readonly string[];
  readonly params?: P;
  readonly query?: Q;
  /** The JSON body. */
  readonly body?: B;
  /** Catalogue codes for body failures under a top-level field (`facts` → FACTS_INVALID). */
  readonly fieldCodes?: Readonly<Record<string, ErrorCode>>;
  /** Whether a multipart upload is accepted (instead of, or beside, the JSON body). */
  readonly upload?: UploadSpec;
  /** Content type of a successful answer when not JSON (the metrics text). */
  readonly produces?: string;
  /** Status of a successful answer. */
  readonly status: 200 | 201 | 202;
  readonly response: R;
  /** Error codes this endpoint may answer with, beyond the ones every endpoint may. */
  readonly errors?: readonly ErrorCode[];
  readonly handler: (
    ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>,
  ) => Promise<DeepReadonly<z.infer<R>>> | DeepReadonly<z.infer<R>>;
}

/**
 * The service answers with readonly arrays and objects; a handler's result must be assignable
 * to its response schema's type read-only, which makes the compiler catch a schema that drifts
 * from the service's types.
 */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** A spec with its types erased, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any, any>;

/** Typed constructor: infers the handler's argument and result types from the schemas. */
export function defineRoute<
  P extends Schema = z.ZodObject<Record<string, never>>,
  Q extends Schema = z.ZodObject<Record<string, never>>,
  B extends Schema = z.ZodUndefined,
  R extends Schema = Schema,
>(spec: RouteSpec<P, Q, B, R>): AnyRouteSpec {
  return spec;
}
