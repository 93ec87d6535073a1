/**
 * Authentication of /v1 requests: `Authorization: Bearer <key>` is turned into the calling
 * Actor by the service, before rate limiting (which is keyed by the key id) and before the body
 * is read, so an unauthenticated upload is refused without being buffered.
 */
import type { FastifyInstance } from 'fastify';
import { KhienError, type ErrorCode } from '../errors/index.js';
import type { KhienService } from '../service/khien-service.js';
import type { Actor } from '../service/types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; null on public endpoints. */
    actor: Actor | null;
  }
}

/** Codes any authenticated endpoint may answer with because of its key. */
export const AUTH_ERRORS: readonly ErrorCode[] = [
  'KHIEN_ERR_UNAUTHENTICATED',
  'KHIEN_ERR_KEY_EXPIRED',
  'KHIEN_ERR_KEY_REVOKED',
  'KHIEN_ERR_ROLE_MISSING',
];

/** Adds the hook that authenticates every request of `scope`. */
export function installAuthentication(scope: FastifyInstance, service: KhienService): void {
  scope.addHook('onRequest', async (request) => {
    const rawKey = bearerKey(request.headers.authorization);
    request.actor = await service.authenticate(rawKey, request.id);
  });
}

/** The key of a `Bearer` Authorization header; a coded error naming what was wrong. */
/** Authorization schemes a client may send by mistake, named in the refusal. */
const KNOWN_SCHEMES = ['Basic', 'Digest', 'Negotiate', 'NTLM', 'Token', 'ApiKey', 'HOBA'];

export function bearerKey(header: string | undefined): string {
  const words = (header ?? '')
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) {
    throw new KhienError(
      'KHIEN_ERR_UNAUTHENTICATED',
      'expected an "Authorization: Bearer <key>" header, got none',
    );
  }
  const [scheme, ...rest] = words;
  if (scheme.toLowerCase() !== 'bearer') {
    // Only a well-known scheme is named back: anything else may be a secret sent without its
    // scheme, and answers end up in client logs.
    const known = KNOWN_SCHEMES.find((k) => k.toLowerCase() === scheme.toLowerCase());
    if (known === undefined) {
      throw new KhienError(
        'KHIEN_ERR_UNAUTHENTICATED',
        'expected "Authorization: Bearer <key>", got a value without the "Bearer" scheme',
      );
    }
    throw new KhienError(
      'KHIEN_ERR_UNAUTHENTICATED',
      `expected "Authorization: Bearer <key>", got the scheme "${known}"`,
      { scheme: known },
    );
  }
  // Node drops the trailing space of "Bearer ", so an empty key arrives as the scheme alone.
  if (rest.length !== 1) {
    throw new KhienError(
      'KHIEN_ERR_UNAUTHENTICATED',
      rest.length === 0
        ? 'expected "Authorization: Bearer <key>", got no key after "Bearer"'
        : `expected "Authorization: Bearer <key>" with one key, got ${rest.length} words after "Bearer"`,
      { scheme },
    );
  }
  return rest[0];
}
