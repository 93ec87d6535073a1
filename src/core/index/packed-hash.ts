/**
 * PDQ hashes packed as 8 unsigned 32-bit words (word j = 16-bit words 2j and 2j+1 of the
 * reference layout), the form every index stores and compares: one Uint32Array holds many
 * hashes back to back, and a distance is 8 xors and 8 popcounts.
 */
import { popcount32, type PdqHash } from '../pdq/pdq-hash.js';

/** 32-bit words per packed hash. */
export const PACKED_WORDS = 8;

/** Writes `hash` into `out` at word offset `at`. */
export function packPdqInto(hash: PdqHash, out: Uint32Array, at: number): void {
  for (let j = 0; j < PACKED_WORDS; j++) {
    out[at + j] = (hash[2 * j] | (hash[2 * j + 1] << 16)) >>> 0;
  }
}

/** A packed copy of `hash`. */
export function packPdq(hash: PdqHash): Uint32Array {
  const out = new Uint32Array(PACKED_WORDS);
  packPdqInto(hash, out, 0);
  return out;
}

/** Unpacks the hash at word offset `at` of `words`. */
export function unpackPdq(words: Uint32Array, at: number): PdqHash {
  const out = new Uint16Array(16);
  for (let j = 0; j < PACKED_WORDS; j++) {
    out[2 * j] = words[at + j] & 0xffff;
    out[2 * j + 1] = words[at + j] >>> 16;
  }
  return out;
}

/**
 * Distance between packed hash `q` (offset 0) and the hash at offset `at` of `words`, or any
 * value above `limit` once the running sum passes it (callers only compare against `limit`).
 * The early exit halves the verify cost for unrelated hashes, which sit near distance 128.
 */
export function packedDistanceWithin(
  q: Uint32Array,
  words: Uint32Array,
  at: number,
  limit: number,
): number {
  let d = popcount32(q[0] ^ words[at]) + popcount32(q[1] ^ words[at + 1]);
  d += popcount32(q[2] ^ words[at + 2]) + popcount32(q[3] ^ words[at + 3]);
  if (d > limit) return d;
  d += popcount32(q[4] ^ words[at + 4]) + popcount32(q[5] ^ words[at + 5]);
  d += popcount32(q[6] ^ words[at + 6]) + popcount32(q[7] ^ words[at + 7]);
  return d;
}
