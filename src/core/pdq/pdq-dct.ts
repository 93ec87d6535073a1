/**
 * The PDQ 64×64 → 16×16 DCT (notes A.7; ThreatExchange pdq/cpp/hashing `dct64To16`):
 * B = D·A·Dᵀ with D the 16×64 cosine matrix for frequencies 1..16 (the DC row is left out).
 * Every product and every partial sum is rounded to float, k ascending, as the reference does.
 */

/** D[i][j] = fround(fround(√(2/64)) · cos((π/2/64)·(i+1)·(2j+1))), row-major 16×64. */
export const DCT_MATRIX: Float32Array = buildDctMatrix();

function buildDctMatrix(): Float32Array {
  const d = new Float32Array(16 * 64);
  const scale = Math.fround(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      d[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
    }
  }
  return d;
}

/** Scratch for the 16×64 intermediate product. */
const TEMP = new Float32Array(16 * 64);

/** `out` (16×16) = D · a (64×64) · Dᵀ. */
export function dct64To16(a: Float32Array, out: Float32Array): void {
  const d = DCT_MATRIX;

  // T = D · A, 16×64.
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = Math.fround(s + Math.fround(d[i * 64 + k] * a[k * 64 + j]));
      TEMP[i * 64 + j] = s;
    }
  }

  // B = T · Dᵀ, 16×16.
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) {
        s = Math.fround(s + Math.fround(TEMP[i * 64 + k] * d[j * 64 + k]));
      }
      out[i * 16 + j] = s;
    }
  }
}
