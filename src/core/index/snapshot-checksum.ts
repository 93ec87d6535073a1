/**
 * The checksum of index snapshots: a 32-bit multiply-rotate hash over little-endian 32-bit
 * words, run in two interleaved lanes so the multiplies overlap (about 1 GB/s in JavaScript,
 * where a byte-wise CRC32 manages a third of that). It detects corruption, not tampering: a
 * snapshot is trusted local state, not input from outside.
 */

const PRIME_A = 0x9e3779b1;
const PRIME_B = 0x85ebca77;

/** Running state of the checksum over a sequence of word arrays. */
export class SnapshotChecksum {
  private a = 0x243f6a88;
  private b = 0x85a308d3;
  private words = 0;

  /** Feeds `data` (whole words). */
  update(data: Uint32Array): void {
    let a = this.a;
    let b = this.b;
    const n = data.length;
    let i = 0;
    if ((this.words & 1) === 1 && n > 0) b = mix(b, data[i++], PRIME_B);
    for (; i + 1 < n; i += 2) {
      a = mix(a, data[i], PRIME_A);
      b = mix(b, data[i + 1], PRIME_B);
    }
    if (i < n) a = mix(a, data[i], PRIME_A);
    this.a = a;
    this.b = b;
    this.words += n;
  }

  /** The checksum of everything fed so far. */
  digest(): number {
    let h = (this.a ^ Math.imul(this.b, PRIME_A) ^ this.words) >>> 0;
    h = Math.imul(h ^ (h >>> 16), PRIME_B);
    return (h ^ (h >>> 13)) >>> 0;
  }
}

function mix(h: number, word: number, prime: number): number {
  h = Math.imul(h ^ word, prime);
  return (h << 13) | (h >>> 19);
}
