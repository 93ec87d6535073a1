/**
 * Schemas of the reading side: statistics of entries and matches, and the audit log.
 */
import { z } from 'zod';
import { ENTRY_STATUSES } from '../../service/types.js';
import { ID, PAGE_LIMIT, TIMESTAMP, TIMESTAMP_INPUT } from './common-schemas.js';

const DAY = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day as YYYY-MM-DD')
  .optional();

export const STATISTICS_QUERY = z.object({ from: DAY, to: DAY }).strict();

export const STATISTICS = z.object({
  entriesByBank: z.array(
    z.object({
      bankId: ID,
      byStatus: z.object(
        Object.fromEntries(ENTRY_STATUSES.map((s) => [s, z.number().int().optional()])) as Record<
          (typeof ENTRY_STATUSES)[number],
          z.ZodOptional<z.ZodNumber>
        >,
      ),
    }),
  ),
  matchesByBank: z.array(z.object({ bankId: ID, hits: z.number().int() })),
  matchesByCaller: z.array(
    z.object({ orgId: ID, queries: z.number().int(), hits: z.number().int() }),
  ),
});

export const AUDIT_QUERY = z
  .object({
    from: TIMESTAMP_INPUT.optional(),
    to: TIMESTAMP_INPUT.optional(),
    orgId: ID.optional(),
    action: z
      .string()
      .max(100)
      .optional()
      .describe('Exact action (`entry.confirm`) or a prefix ending in `.` (`entry.`).'),
    afterSeq: z.coerce.number().int().min(0).optional(),
    limit: PAGE_LIMIT,
  })
  .strict();

export const AUDIT_RECORD = z.object({
  seq: z.number().int(),
  at: TIMESTAMP,
  orgId: ID.nullable(),
  keyId: ID.nullable(),
  requestId: z.string().nullable(),
  action: z.string(),
  subject: z.string().nullable(),
  details: z.record(z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const AUDIT_PAGE = z.object({
  records: z.array(AUDIT_RECORD),
  next: z.number().int().nullable(),
});

export const AUDIT_VERIFICATION = z.object({
  ok: z.boolean(),
  rows: z.number().int(),
  firstBad: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
  headHash: z
    .string()
    .optional()
    .describe('When the chain holds: the last row’s hash; keep it elsewhere to anchor the log.'),
  code: z
    .literal('KHIEN_ERR_AUDIT_CHAIN_BROKEN')
    .optional()
    .describe('When the chain does not hold.'),
});
