/**
 * Schemas of banks: named lists of signals with an owner, visibility lists and a match policy.
 */
import { z } from 'zod';
import { BANK_KINDS } from '../../service/types.js';
import { ID, TIMESTAMP } from './common-schemas.js';

export const BANK_POLICY = z.object({
  pdqMaxDistance: z.number().int().min(0).max(63).describe('Largest PDQ distance that matches.'),
  minQuality: z.number().int().min(0).max(100).describe('Smallest PDQ quality accepted.'),
  dihedral: z.boolean().describe('Whether rotated/flipped image queries may match.'),
});

const ORG_LIST = z.array(ID).max(1000);

export const BANK = z.object({
  id: ID,
  name: z.string(),
  description: z.string(),
  kind: z.enum(BANK_KINDS),
  ownerOrgId: ID,
  policy: BANK_POLICY,
  matchers: z.array(ID).describe('Organisations besides the owner that may match.'),
  viewers: z.array(ID).describe('Organisations besides the owner that may see and review.'),
  contributors: z.array(ID).describe('Organisations besides the owner that may contribute.'),
  createdAt: TIMESTAMP,
  updatedAt: TIMESTAMP,
});

export const CREATE_BANK = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    kind: z.enum(BANK_KINDS).optional().describe('`positive` (default) or `allow`.'),
    policy: BANK_POLICY.partial().strict().optional(),
    matchers: ORG_LIST.optional(),
    viewers: ORG_LIST.optional(),
    contributors: ORG_LIST.optional(),
  })
  .strict();

export const UPDATE_BANK = z
  .object({
    description: z.string().max(2000).optional(),
    policy: BANK_POLICY.partial().strict().optional(),
    matchers: ORG_LIST.optional(),
    viewers: ORG_LIST.optional(),
    contributors: ORG_LIST.optional(),
  })
  .strict();

export const BANK_LIST = z.object({ banks: z.array(BANK) });

export const BANK_ID_PARAMS = z.object({ bankId: ID });
