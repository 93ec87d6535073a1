/**
 * Checks and normalises signals as callers send them: a known type, hex of the type's length
 * (stored lower-case), and for contributed PDQ a quality at or above the bank's minimum.
 */
import { KhienError } from '../errors/index.js';
import { SIGNAL_TYPES, type SignalInput, type SignalType } from './types.js';

const HEX_LENGTH: Readonly<Record<SignalType, number>> = {
  pdq: 64,
  md5: 32,
  sha1: 40,
  sha256: 64,
};

export interface NormalSignal {
  readonly type: SignalType;
  readonly value: string;
  readonly quality: number | null;
}

/** The signal with its value lower-cased, or a coded error saying what was wrong. */
export function normaliseSignal(input: SignalInput, index = 0): NormalSignal {
  const where = `signals[${index}]`;
  if (input === null || typeof input !== 'object') {
    throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', `${where} must be an object`, { index });
  }
  if (!(SIGNAL_TYPES as readonly string[]).includes(input.type)) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `${where}.type must be one of ${SIGNAL_TYPES.join(', ')}, got ${JSON.stringify(input.type)}`,
      { index },
    );
  }
  const want = HEX_LENGTH[input.type];
  const value = typeof input.value === 'string' ? input.value : '';
  if (value.length !== want || !/^[0-9a-fA-F]+$/.test(value)) {
    const got = describeBadHex(input.value, want);
    throw new KhienError(
      'KHIEN_ERR_HASH_MALFORMED',
      `${where}: a ${input.type} hash must be ${want} hex digits, got ${got}`,
      { index, type: input.type },
    );
  }
  return { type: input.type, value: value.toLowerCase(), quality: quality(input, where, index) };
}

/** What is wrong with a hash value: its type, its length, or its first non-hex character. */
function describeBadHex(value: unknown, want: number): string {
  if (typeof value !== 'string') return typeof value;
  if (value.length !== want) return `${value.length} characters`;
  const at = value.search(/[^0-9a-fA-F]/);
  return `${JSON.stringify(value[at])} at position ${at + 1}, which is not a hex digit`;
}

function quality(input: SignalInput, where: string, index: number): number | null {
  if (input.quality === undefined || input.quality === null) return null;
  const q = input.quality;
  if (input.type !== 'pdq') {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `${where}.quality belongs to PDQ signals only; a ${input.type} digest has none`,
      { index },
    );
  }
  if (!Number.isInteger(q) || q < 0 || q > 100) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `${where}.quality must be an integer 0..100, got ${JSON.stringify(q)}`,
      { index },
    );
  }
  return q;
}

/** Refuses a PDQ signal without quality or below `minQuality`. */
export function checkQuality(signal: NormalSignal, minQuality: number, index = 0): void {
  if (signal.type !== 'pdq') return;
  if (signal.quality === null || signal.quality < minQuality) {
    throw new KhienError(
      'KHIEN_ERR_QUALITY_TOO_LOW',
      `signals[${index}]: PDQ quality must be at least ${minQuality} for this bank, got ` +
        `${signal.quality === null ? 'none' : signal.quality}`,
      { index, minQuality, quality: signal.quality },
    );
  }
}

/** Bytes of a digest signal's hex, for the digest indexes. */
export function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
