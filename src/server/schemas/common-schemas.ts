/**
 * Schemas shared by several resources of the HTTP API: ids, times, roles, pagination. Every
 * request and response schema of the API is a zod schema; /openapi.json is generated from them.
 */
import { z } from 'zod';
import { ROLES } from '../../service/types.js';

/** An opaque id made by the service (organisation, key, bank, entry, match). */
export const ID = z.string().min(1).max(100);

/** An ISO 8601 time as the service writes it (`2026-12-03T18:04:24.000Z`). */
export const TIMESTAMP = z.string().describe('ISO 8601 time');

/** An ISO 8601 time a caller sends; checked here so a typo is a 400 naming the field. */
export const TIMESTAMP_INPUT = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 time');

export const ROLE = z.enum(ROLES);

/** A free-text reason recorded in an entry's history and the audit log. */
export const REASON = z.string().max(2000);

/** `limit` of a paginated list. */
export const PAGE_LIMIT = z.coerce.number().int().min(1).max(1000).optional();
