/**
 * The PDQ quality score, 0..100 (notes A.6; ThreatExchange pdq/cpp/hashing
 * `pdqImageDomainQualityMetric`): a count of significant neighbour gradients in the 64×64
 * image. Low quality means a flat or nearly flat picture whose hash is mostly rounding noise.
 */

/** Hashes below this quality are flagged low quality (python-threatexchange QUALITY_THRESHOLD). */
export const PDQ_LOW_QUALITY_THRESHOLD = 50;

/** True when a hash of this quality should not be banked or matched by default. */
export function isLowQuality(quality: number): boolean {
  return quality < PDQ_LOW_QUALITY_THRESHOLD;
}

/** One gradient term: |trunc(fround(fround(fround(u − v) · 100) / 255))|. */
function term(u: number, v: number): number {
  return Math.abs(Math.trunc(Math.fround(Math.fround(Math.fround(u - v) * 100) / 255)));
}

/** Quality of a 64×64 row-major float image: min(100, trunc(Σ terms / 90)). */
export function pdqQuality(a: Float32Array): number {
  let sum = 0;

  // Vertical neighbour pairs first, then horizontal ones, as the reference sums them.
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) sum += term(a[i * 64 + j], a[(i + 1) * 64 + j]);
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) sum += term(a[i * 64 + j], a[i * 64 + j + 1]);
  }

  return Math.min(100, Math.trunc(sum / 90));
}
