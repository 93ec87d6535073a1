/**
 * DCT coefficients → hash bits (notes A.8–A.9; ThreatExchange pdq/cpp/hashing
 * `pdqBuffer16x16ToBits`): bit k = i·16 + j is set iff B[i][j] is strictly greater than the
 * lower median (the 128th smallest of the 256 values, which Torben's method returns).
 */
import { PDQ_WORDS, type PdqHash } from './pdq-hash.js';

const SORTED = new Float32Array(256);

/** Thresholds a 16×16 row-major coefficient block at its own median. */
export function dctToHash(b: Float32Array): PdqHash {
  SORTED.set(b);
  SORTED.sort();
  const median = SORTED[127];

  const hash = new Uint16Array(PDQ_WORDS);
  for (let i = 0; i < 16; i++) {
    let word = 0;
    for (let j = 0; j < 16; j++) if (b[i * 16 + j] > median) word |= 1 << j;
    hash[i] = word;
  }
  return hash;
}
