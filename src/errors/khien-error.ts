/**
 * KhienError: the one error class every layer throws for an expected failure. It carries a
 * stable code from the catalogue, the matching HTTP status, structured details, and the cause.
 * The core throws these; only the HTTP edge turns them into responses.
 */
import { ERROR_CATALOGUE, type ErrorCode } from './catalogue.js';

export class KhienError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KhienError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = details;
  }

  /** The body shape every HTTP error uses. */
  toJSON(): { error: { code: ErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** True when `err` is a KhienError, optionally of the given code. */
export function isKhienError(err: unknown, code?: ErrorCode): err is KhienError {
  return err instanceof KhienError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into a KhienError, keeping coded errors as they are. */
export function toKhienError(err: unknown): KhienError {
  if (err instanceof KhienError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // PostgreSQL's sequence_generator_limit_exceeded: the signal id ceiling (migration 0003).
  if ((err as { code?: unknown } | null)?.code === '2200H') {
    return new KhienError(
      'KHIEN_ERR_CAPACITY_REACHED',
      'the store reached its ceiling of 4,294,967,295 signal ids; nothing was written',
      {},
      { cause: err },
    );
  }
  return new KhienError('KHIEN_ERR_INTERNAL', message, {}, { cause: err });
}
