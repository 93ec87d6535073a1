/**
 * Schemas of matching: a batch of query signals, the visible matches per query, and the
 * feedback a platform gives on a match.
 */
import { z } from 'zod';
import { ENTRY_STATUS, SIGNAL_TYPE, VERDICTS } from './entry-schemas.js';
import { ID, REASON } from './common-schemas.js';

export const QUERY_SIGNAL = z
  .object({
    type: SIGNAL_TYPE,
    value: z.string().max(200).describe('Hex digest: PDQ 64 digits, MD5 32, SHA-1 40, SHA-256 64.'),
    quality: z
      .number()
      .int()
      .min(0)
      .max(100)
      .optional()
      .describe(
        "PDQ only: the quality the hasher computed. A query below a bank's minimum quality is not matched against it.",
      ),
  })
  .strict();

export const MATCH_REQUEST = z
  .object({
    signals: z
      .array(QUERY_SIGNAL)
      .min(1)
      .describe('Query signals, at most maxBatchSize (KHIEN_ERR_BATCH_TOO_LARGE beyond).'),
  })
  .strict();

export const MATCH_HIT = z.object({
  matchId: ID.describe('Pass to POST /v1/matches/{matchId}/feedback.'),
  entryId: ID,
  bankId: ID,
  signalType: SIGNAL_TYPE,
  distance: z.number().int(),
  variant: z
    .number()
    .int()
    .min(0)
    .max(7)
    .describe('0: the query as sent; 1..7: its rotations and flips (image queries only).'),
  verdicts: VERDICTS,
  confirmations: z.number().int(),
});

export const MATCH_RESULT = z.object({
  results: z.array(
    z.object({
      type: SIGNAL_TYPE,
      value: z.string(),
      quality: z
        .number()
        .int()
        .nullable()
        .optional()
        .describe('PDQ queries: the quality computed from the upload or sent; null if unknown.'),
      matches: z.array(MATCH_HIT),
      allowListed: z
        .boolean()
        .describe(
          'An allow-list entry matched and suppressed matches (for an upload: on any of its signals).',
        ),
      suppressed: z.number().int(),
      lowQuality: z
        .boolean()
        .describe("The PDQ quality is below a bank's minimum: not matched against that bank."),
    }),
  ),
});

export const MATCH_ID_PARAMS = z.object({ matchId: ID });

export const MATCH_FEEDBACK = z
  .object({ kind: z.literal('false_positive'), reason: REASON.optional() })
  .strict();

export const MATCH_FEEDBACK_RESULT = z.object({
  matchId: ID,
  entryId: ID,
  entryStatus: ENTRY_STATUS,
});
