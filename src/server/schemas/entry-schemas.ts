/**
 * Schemas of entries: their signals, law-neutral facts, derived verdicts, provenance, status
 * and history, and the inputs of contribution, review and the other transitions.
 */
import { z } from 'zod';
import { FACTS_SCHEMA } from '../../core/policy/facts.js';
import { JURISDICTIONS } from '../../core/policy/verdict.js';
import { ENTRY_STATUSES, REVIEW_DECISIONS, SIGNAL_TYPES } from '../../service/types.js';
import { ID, PAGE_LIMIT, REASON, TIMESTAMP, TIMESTAMP_INPUT } from './common-schemas.js';

export const SIGNAL_TYPE = z.enum(SIGNAL_TYPES);

/** A signal as sent; the service checks the value's form per type (KHIEN_ERR_HASH_MALFORMED). */
export const SIGNAL_INPUT = z
  .object({
    type: SIGNAL_TYPE,
    value: z.string().max(200).describe('Hex digest: PDQ 64 digits, MD5 32, SHA-1 40, SHA-256 64.'),
    quality: z.number().int().min(0).max(100).optional().describe('PDQ quality (0..100).'),
  })
  .strict();

export const SIGNAL = z.object({
  id: z.number().int(),
  type: SIGNAL_TYPE,
  value: z.string(),
  quality: z.number().int().nullable(),
});

const JURISDICTION_VERDICT = z.object({
  outcome: z.string().describe("The rule set's outcome (docs/verdicts.md)."),
  category: z.string().nullable(),
  reason: z.string(),
});

export const VERDICTS = z.object({
  ruleSetVersion: z.string(),
  byJurisdiction: z.object(
    Object.fromEntries(JURISDICTIONS.map((j) => [j, JURISDICTION_VERDICT])) as Record<
      (typeof JURISDICTIONS)[number],
      typeof JURISDICTION_VERDICT
    >,
  ),
});

export const PROVENANCE = z.object({
  orgId: ID,
  keyId: ID,
  source: z.string(),
  externalId: z.string().nullable(),
  createdAt: TIMESTAMP,
});

export const ENTRY_STATUS = z.enum(ENTRY_STATUSES);

export const ENTRY = z.object({
  id: ID,
  bankId: ID,
  status: ENTRY_STATUS,
  signals: z.array(SIGNAL),
  facts: FACTS_SCHEMA,
  verdicts: VERDICTS,
  note: z.string(),
  provenance: PROVENANCE,
  confirmations: z.number().int(),
  disabledReason: z.string().nullable(),
  disabledUntil: TIMESTAMP.nullable(),
  updatedAt: TIMESTAMP,
});

export const ENTRY_DETAIL = ENTRY.extend({
  transitions: z.array(
    z.object({
      at: TIMESTAMP,
      orgId: ID,
      keyId: ID,
      from: ENTRY_STATUS.nullable(),
      to: ENTRY_STATUS,
      reason: z.string(),
      until: TIMESTAMP.nullable(),
    }),
  ),
  reviews: z.array(
    z.object({
      orgId: ID,
      keyId: ID,
      decision: z.enum(REVIEW_DECISIONS),
      reason: z.string(),
      at: TIMESTAMP,
    }),
  ),
});

/** What comes with an entry besides its signals, by JSON or in the upload's `entry` field. */
export const ENTRY_METADATA = z
  .object({
    facts: FACTS_SCHEMA.optional(),
    note: z.string().max(10_000).optional(),
    externalId: z.string().max(200).nullable().optional(),
  })
  .strict();

export const CONTRIBUTE = ENTRY_METADATA.extend({
  signals: z.array(SIGNAL_INPUT).min(1).max(16),
}).strict();

export const ENTRY_LIST_QUERY = z
  .object({
    status: ENTRY_STATUS.optional(),
    limit: PAGE_LIMIT,
    after: ID.optional().describe('Continue after this entry id (the `next` of a page).'),
  })
  .strict();

export const ENTRY_PAGE = z.object({ entries: z.array(ENTRY), next: ID.nullable() });

export const ENTRY_ID_PARAMS = z.object({ entryId: ID });

export const REVIEW = z
  .object({ decision: z.enum(REVIEW_DECISIONS), reason: REASON.optional() })
  .strict();

export const RESOLVE_DISPUTE = z
  .object({ outcome: z.enum(['confirm', 'disable']), reason: REASON.min(1) })
  .strict();

export const DISABLE = z
  .object({
    reason: REASON.min(1),
    until: TIMESTAMP_INPUT.nullable().optional().describe('Re-enabled after this time.'),
  })
  .strict();

export const REASON_BODY = z.object({ reason: REASON.optional() }).strict();

export const REASON_QUERY = z.object({ reason: REASON.optional() }).strict();
