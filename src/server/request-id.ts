/**
 * Request ids: each request gets one, echoed in the `x-request-id` response header, written on
 * every log line and audit row of the request. A caller may send its own id (a platform
 * correlating with its moderation queue) when it is short and plain; otherwise we make one.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Fastify's genReqId: the caller's id when acceptable, else a fresh UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  if (typeof given === 'string' && ACCEPTED_ID.test(given)) return given;
  return randomUUID();
}
