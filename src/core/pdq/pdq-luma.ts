/**
 * Luminance in float32, as the PDQ reference computes it (notes A.3; ThreatExchange
 * pdq/cpp/downscaling `fillFloatLumaFromRGB` / `fillFloatLumaFromGrey`).
 *
 * Colour pixels: Y = fround(fround(fround(0.299·r) + fround(0.587·g)) + fround(0.114·b)), the
 * coefficients themselves rounded to float first, no fused multiply-add. Grey pixels (1 or 2
 * channels): the grey value itself, because that is what the reference sees for a grey image
 * (a 1-channel PGM); the RGB formula with r = g = b would differ in the last bit for 35 levels.
 */

/** Bytes per pixel the core accepts: grey, grey+alpha, RGB, RGBA (alpha is never read). */
export type PixelChannels = 1 | 2 | 3 | 4;

const R = Math.fround(0.299);
const G = Math.fround(0.587);
const B = Math.fround(0.114);

// fround(fround(R·r) + fround(G·g)) for every (r, g) pair, and fround(B·b) for every b: the
// reference's first two products and first sum become one table lookup, leaving one float
// addition per pixel. The table is 256 KiB, filled once.
const LUT_B = new Float32Array(256);
const LUT_RG = new Float32Array(256 * 256);
for (let v = 0; v < 256; v++) LUT_B[v] = B * v;
for (let r = 0; r < 256; r++) {
  const red = Math.fround(R * r);
  for (let g = 0; g < 256; g++) LUT_RG[(r << 8) | g] = red + Math.fround(G * g);
}

/**
 * Writes the luma of one image row into `out[0..cols)`. `offset` is the byte index of the
 * row's first pixel in `pixels`, `outOffset` where the row starts in `out`. With `grey`, the
 * first byte of each pixel is the luma.
 */
export function lumaRow(
  pixels: Uint8Array,
  offset: number,
  cols: number,
  channels: PixelChannels,
  grey: boolean,
  out: Float32Array,
  outOffset = 0,
): void {
  const end = outOffset + cols;
  if (grey) {
    for (let o = outOffset, p = offset; o < end; o++, p += channels) out[o] = pixels[p];
    return;
  }

  for (let o = outOffset, p = offset; o < end; o++, p += channels) {
    out[o] = LUT_RG[(pixels[p] << 8) | pixels[p + 1]] + LUT_B[pixels[p + 2]];
  }
}
