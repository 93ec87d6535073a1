/**
 * Every setting Khiên reads, in one table: its schema, its default, its environment variable
 * and what it is for. Flags use the kebab-case form of the key (`maxImageBytes` →
 * `--max-image-bytes`), environment variables the KHIEN_ upper-snake form. docs/configuration.md
 * lists them all; a test keeps the two in step.
 *
 * Sections are owned by capability; add new settings to the section they belong to.
 */
import { z } from 'zod';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);

export const SETTINGS = {
  // --- storage -------------------------------------------------------------------------------
  dataDir: {
    schema: z.string().min(1),
    default: './data',
    doc: 'Directory of the embedded SQLite database (`khien.sqlite`); refused together with `databaseUrl`.',
  },
  databaseUrl: {
    // Checked here, not at connect time, where another scheme failed as a DNS error.
    schema: z
      .string()
      .refine(
        (v) => v === '' || /^postgres(ql)?:\/\/./i.test(v),
        'must be empty (SQLite) or a postgres:// or postgresql:// URL',
      ),
    default: '',
    doc: 'PostgreSQL URL (postgres://… or postgresql://…). Empty: the SQLite file under `dataDir`.',
  },

  // --- image decoding limits -----------------------------------------------------------------
  maxImageBytes: {
    schema: int(1),
    default: 50 * 1024 * 1024,
    doc: 'Largest image file accepted, in bytes.',
  },
  maxImagePixels: {
    schema: int(1),
    default: 100_000_000,
    doc: 'Largest decoded image accepted, in pixels (width × height): the decompression-bomb guard.',
  },

  // --- hashing -------------------------------------------------------------------------------
  hashConcurrency: {
    schema: int(0, 256),
    default: 0,
    doc: 'Worker threads used by `khien hash`; 0 means one per CPU core.',
  },
  // --- video (vPDQ) -------------------------------------------------------------------------
  ffmpegPath: {
    schema: z.string(),
    default: '',
    doc: 'ffmpeg binary for video hashing. Empty: `ffmpeg` on PATH, else the npm package binary.',
  },
  ffprobePath: {
    schema: z.string(),
    default: '',
    doc: 'ffprobe binary for video hashing. Empty: `ffprobe` on PATH, else the npm package binary.',
  },
  maxVideoBytes: {
    schema: int(1),
    default: 4 * 1024 * 1024 * 1024,
    doc: 'Largest video file accepted, in bytes.',
  },
  maxVideoSeconds: {
    schema: int(1),
    default: 4 * 60 * 60,
    doc: 'Longest video accepted, in seconds (stated duration, and frames decoded / frame rate).',
  },
  maxVideoPixels: {
    schema: int(1),
    default: 7680 * 4320,
    doc: 'Largest video frame accepted, in pixels (width × height).',
  },
  videoTimeoutMs: {
    schema: int(1, 2_147_483_647), // Node timers hold at most 2^31 - 1 ms (about 24.8 days)
    default: 30 * 60 * 1000,
    doc: 'Longest time one video may take to probe, decode and hash; ffmpeg is stopped after it.',
  },

  // --- HTTP server (khien serve) -------------------------------------------------------------
  host: {
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: 'Address `khien serve` listens on; loopback by default, 0.0.0.0 for every interface.',
  },
  port: {
    schema: int(0, 65535),
    default: 8080,
    doc: 'TCP port `khien serve` listens on; 0 picks a free port.',
  },
  rateLimitPerMinute: {
    schema: int(1),
    default: 6000,
    doc: 'Requests each API key may make per minute (answers over it get 429).',
  },
  maxBatchSize: {
    schema: int(1, 100_000),
    default: 100,
    doc: 'Most signals one POST /v1/match request may carry.',
  },
  maxUploadBytes: {
    schema: int(1),
    default: 50 * 1024 * 1024,
    doc: 'Largest media file accepted by an HTTP upload, in bytes; it is hashed in memory only.',
  },
  maxJsonBodyBytes: {
    schema: int(1),
    default: 1024 * 1024,
    doc: 'Largest JSON request body accepted by the HTTP API, in bytes.',
  },
  requestTimeoutMs: {
    schema: int(1, 2_147_483_647),
    default: 30_000,
    doc: 'Longest time a client may take to send a whole request (headers, JSON body or upload); then 408 and the connection is closed.',
  },
  headersTimeoutMs: {
    schema: int(1, 2_147_483_647),
    default: 10_000,
    doc: 'Longest time a client may take to send the request line and headers (at most requestTimeoutMs; the smaller applies).',
  },
  keepAliveTimeoutMs: {
    schema: int(1, 2_147_483_647),
    default: 72_000,
    doc: 'How long an idle keep-alive connection stays open between requests; keep it above the idle timeout of a load balancer in front.',
  },
  // --- service (review, import, match records) ----------------------------------------------
  reviewsRequired: {
    schema: int(1, 20),
    default: 2,
    doc: 'Confirmations from organisations other than the contributor that make an entry confirmed.',
  },
  importChunkSize: {
    schema: int(1, 100_000),
    default: 1000,
    doc: 'Rows `khien import` commits per transaction; each commit is a resumable checkpoint.',
  },
  matchRecordFlushMs: {
    schema: int(0, 10_000),
    default: 50,
    doc: 'Match audit rows and counters are written in batches at most this many ms apart.',
  },
  matchSearchThreads: {
    schema: int(0, 1),
    default: 1,
    doc: 'Worker threads `khien serve` runs PDQ match searches on (banks of 50,000+ hashes); 0: the event loop.',
  },
  apiKey: {
    schema: z.string(),
    default: '',
    doc: 'API key (`khien_<id>_<secret>`) the CLI acts with in `khien bank`, `import` and `export`.',
  },
} as const satisfies Record<string, SettingSpec>;

export interface SettingSpec {
  readonly schema: z.ZodTypeAny;
  readonly default: unknown;
  readonly doc: string;
}

export type SettingName = keyof typeof SETTINGS;

/** The validated, frozen configuration: one value per setting. */
export type Config = { readonly [K in SettingName]: z.infer<(typeof SETTINGS)[K]['schema']> };

/** `maxImageBytes` → `KHIEN_MAX_IMAGE_BYTES`. */
export function envName(key: string): string {
  return 'KHIEN_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** `maxImageBytes` → `max-image-bytes` (the flag without its dashes). */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
