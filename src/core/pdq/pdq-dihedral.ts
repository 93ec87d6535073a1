/**
 * The 8 dihedral variants of a PDQ hash, computed from the one 16×16 DCT block without
 * re-hashing the image (notes A.10; ThreatExchange pdq/cpp/hashing `dct16OriginalTo*`).
 * Index i is frequency i + 1, so even indices are odd frequencies: those change sign under a
 * reflection. A variant approximates, but does not equal, the hash of the transformed image.
 */

/** Variant names in the reference's output order (`--pdqdih-across`). */
export const PDQ_DIHEDRAL_ORDER = [
  'orig',
  'rot90',
  'rot180',
  'rot270',
  'flipx',
  'flipy',
  'flipplus1',
  'flipminus1',
] as const;

export type PdqDihedralName = (typeof PDQ_DIHEDRAL_ORDER)[number];

const odd = (n: number): boolean => (n & 1) === 1;

/** For each variant: does it transpose, and the sign applied to A[i][j]. */
const VARIANTS: ReadonlyArray<{ transpose: boolean; sign: (i: number, j: number) => number }> = [
  { transpose: false, sign: () => 1 },
  { transpose: true, sign: (_i, j) => (odd(j) ? 1 : -1) },
  { transpose: false, sign: (i, j) => (odd(i + j) ? -1 : 1) },
  { transpose: true, sign: (i) => (odd(i) ? 1 : -1) },
  { transpose: false, sign: (i) => (odd(i) ? 1 : -1) },
  { transpose: false, sign: (_i, j) => (odd(j) ? 1 : -1) },
  { transpose: true, sign: () => 1 },
  { transpose: true, sign: (i, j) => (odd(i + j) ? -1 : 1) },
];

/** Writes variant `v` (index into PDQ_DIHEDRAL_ORDER) of block `a` into `out`, both 16×16. */
export function dihedralDct(a: Float32Array, v: number, out: Float32Array): void {
  const { transpose, sign } = VARIANTS[v];
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const at = transpose ? j * 16 + i : i * 16 + j;
      out[at] = sign(i, j) * a[i * 16 + j];
    }
  }
}
