/**
 * The PDQ hash value: 256 bits held as 16 unsigned 16-bit words, in the reference's layout
 * (ThreatExchange pdq/cpp/common/pdqhashtypes.h): bit k lives in word k >> 4 at position k & 15,
 * word i holds DCT row i. The text form prints word 15 first, each as 4 lower-case hex digits,
 * which is the 256-bit big-endian integer of the bits.
 */
import { KhienError } from '../../errors/index.js';

export const PDQ_WORDS = 16;
export const PDQ_BITS = 256;
export const PDQ_HEX_LENGTH = 64;

/** A PDQ hash: exactly 16 words, word 0 = DCT row 0. */
export type PdqHash = Uint16Array;

const HEX_PATTERN = /^[0-9a-fA-F]{64}$/;

/** Parses 64 hex digits (either case) into a hash; anything else is KHIEN_ERR_HASH_MALFORMED. */
export function parsePdqHex(hex: string): PdqHash {
  if (typeof hex !== 'string' || !HEX_PATTERN.test(hex)) {
    const got = typeof hex === 'string' ? `${hex.length} characters` : typeof hex;
    throw new KhienError(
      'KHIEN_ERR_HASH_MALFORMED',
      `a PDQ hash must be 64 hex digits, got ${got}`,
      { type: 'pdq' },
    );
  }
  const words = new Uint16Array(PDQ_WORDS);
  for (let i = 0; i < PDQ_WORDS; i++) {
    const at = (PDQ_WORDS - 1 - i) * 4;
    words[i] = parseInt(hex.slice(at, at + 4), 16);
  }
  return words;
}

/** The reference text form: word 15 first, 4 lower-case hex digits a word. */
export function toPdqHex(hash: PdqHash): string {
  let out = '';
  for (let i = PDQ_WORDS - 1; i >= 0; i--) out += hash[i].toString(16).padStart(4, '0');
  return out;
}

/** True when `hex` is a well-formed PDQ hex string. */
export function isPdqHex(hex: string): boolean {
  return HEX_PATTERN.test(hex);
}

/** Number of set bits in a 32-bit integer. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between two PDQ hashes (0..256). */
export function pdqDistance(a: PdqHash, b: PdqHash): number {
  let d = 0;
  for (let i = 0; i < PDQ_WORDS; i += 2) {
    d += popcount32(((a[i] ^ b[i]) | ((a[i + 1] ^ b[i + 1]) << 16)) >>> 0);
  }
  return d;
}
