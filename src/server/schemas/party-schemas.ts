/**
 * Schemas of organisations and API keys.
 */
import { z } from 'zod';
import { ORGANISATION_KINDS } from '../../service/types.js';
import { ID, ROLE, TIMESTAMP, TIMESTAMP_INPUT } from './common-schemas.js';

export const ORGANISATION = z.object({
  id: ID,
  name: z.string(),
  kind: z.enum(ORGANISATION_KINDS),
  createdAt: TIMESTAMP,
});

export const CREATE_ORGANISATION = z
  .object({
    name: z.string().trim().min(1).max(200).describe('Unique name of the organisation.'),
    kind: z.enum(ORGANISATION_KINDS),
  })
  .strict();

export const ORGANISATION_LIST = z.object({ organisations: z.array(ORGANISATION) });

export const ORG_ID_PARAMS = z.object({ orgId: ID });

export const KEY_INFO = z.object({
  id: ID,
  orgId: ID,
  name: z.string(),
  roles: z.array(ROLE),
  createdAt: TIMESTAMP,
  expiresAt: TIMESTAMP.nullable(),
  revokedAt: TIMESTAMP.nullable(),
});

export const CREATE_KEY = z
  .object({
    orgId: ID.describe('The organisation the key belongs to.'),
    roles: z.array(ROLE).min(1).max(6),
    name: z.string().trim().min(1).max(200).optional(),
    expiresAt: TIMESTAMP_INPUT.nullable().optional(),
  })
  .strict();

export const CREATED_KEY = z.object({
  key: z.string().describe('The raw key, shown this once only: store it now.'),
  info: KEY_INFO,
});

export const KEY_LIST = z.object({ keys: z.array(KEY_INFO) });

export const KEY_LIST_QUERY = z.object({ orgId: ID.optional() }).strict();

export const KEY_ID_PARAMS = z.object({ keyId: ID });
