/**
 * Deterministic benchmark data for the index benchmarks: seeded uniform or clustered banks of
 * packed PDQ hashes, and query sets (half near-duplicates of banked hashes, half random).
 */
import { PACKED_WORDS } from '../src/core/index/packed-hash.js';

/** xorshift128+ reduced to 32-bit outputs: fast, seedable, good enough for test data. */
export function makeRandom(seed: number): () => number {
  let a = (seed ^ 0x9e3779b9) >>> 0 || 1;
  let b = Math.imul(seed, 0x85ebca6b) >>> 0 || 2;
  let c = 0xc2b2ae35;
  let d = 0x27d4eb2f;
  return () => {
    const t = a ^ (a << 11);
    [a, b, c] = [b, c, d];
    d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return d;
  };
}

/** Flips `bits` distinct random bits of the packed hash at word offset `at` of `words`. */
export function flipBits(words: Uint32Array, at: number, bits: number, next: () => number): void {
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() & 255);
  for (const bit of chosen) words[at + (bit >>> 5)] ^= 1 << (bit & 31);
}

/** A bank of `n` packed hashes; clustered: a tenth are copies of others with 0–20 bits flipped. */
export function makeBank(n: number, seed: number, dist: 'uniform' | 'clustered'): Uint32Array {
  const next = makeRandom(seed);
  const words = new Uint32Array(n * PACKED_WORDS);
  for (let i = 0; i < words.length; i++) words[i] = next();
  if (dist === 'clustered') {
    for (let i = 0; i < n; i++) {
      if (next() % 10 !== 0 || i === 0) continue;
      const from = next() % i;
      words.copyWithin(i * PACKED_WORDS, from * PACKED_WORDS, (from + 1) * PACKED_WORDS);
      flipBits(words, i * PACKED_WORDS, next() % 21, next);
    }
  }
  return words;
}

/** `count` queries: even ones are banked hashes with 5–25 bits flipped, odd ones random. */
export function makeQueries(bank: Uint32Array, count: number, seed: number): Uint32Array {
  const next = makeRandom(seed ^ 0x5bd1e995);
  const n = bank.length / PACKED_WORDS;
  const out = new Uint32Array(count * PACKED_WORDS);
  for (let q = 0; q < count; q++) {
    if (q % 2 === 0) {
      const from = next() % n;
      out.set(bank.subarray(from * PACKED_WORDS, (from + 1) * PACKED_WORDS), q * PACKED_WORDS);
      flipBits(out, q * PACKED_WORDS, 5 + (next() % 21), next);
    } else {
      for (let j = 0; j < PACKED_WORDS; j++) out[q * PACKED_WORDS + j] = next();
    }
  }
  return out;
}
