/**
 * Law-neutral facts about one entry: what an analyst can see in the media, described without
 * any jurisdiction's legal categories. Verdicts are derived from these by versioned rule sets
 * (verdict-rules.ts), so a change in law re-derives verdicts without re-assessing the media.
 */
import { z } from 'zod';

/** Apparent age bands; `unknown` when the analyst cannot tell. */
export const AGE_BANDS = ['0-2', '3-6', '7-10', '11-13', '14-15', '16-17', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Tanner-style pubertal stage as assessed from the image. */
export const PUBERTAL_STAGES = ['prepubescent', 'pubescent', 'postpubescent', 'unknown'] as const;
export type PubertalStage = (typeof PUBERTAL_STAGES)[number];

/** What is shown, most severe first. */
export const CONTENT_KINDS = [
  'penetrative',
  'non_penetrative_sexual_activity',
  'sexual_posing',
  'sadism_or_bestiality',
  'other',
] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** How the media was made. */
export const MEDIA_ORIGINS = ['real', 'computer_generated', 'drawn', 'unknown'] as const;
export type MediaOrigin = (typeof MEDIA_ORIGINS)[number];

/** The zod schema every way in (HTTP, import, service) validates facts with. */
export const FACTS_SCHEMA = z
  .object({
    ageBand: z.enum(AGE_BANDS).default('unknown'),
    pubertalStage: z.enum(PUBERTAL_STAGES).default('unknown'),
    shown: z.array(z.enum(CONTENT_KINDS)).max(CONTENT_KINDS.length).default([]),
    origin: z.enum(MEDIA_ORIGINS).default('unknown'),
    selfGenerated: z.boolean().nullable().default(null),
    adultPresent: z.boolean().nullable().default(null),
  })
  .strict();

/** Facts with every field present (defaults applied). */
export type Facts = z.infer<typeof FACTS_SCHEMA>;

/** Facts as a caller may send them: any field may be left out. */
export type FactsInput = z.input<typeof FACTS_SCHEMA>;
