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

// fround(R·v), fround(G·v), fround(B·v) for every byte value: the products are exact table
// lookups, so only the two additions remain per pixel.
const LUT_R = new Float32Array(256);
const LUT_G = new Float32Array(256);
const LUT_B = new Float32Array(256);
for (let v = 0; v < 256; v++) {
  LUT_R[v] = R * v;
  LUT_G[v] = G * v;
  LUT_B[v] = B * v;
}

/**
 * Writes the luma of one image row into `out[0..cols)`. `offset` is the byte index of the
 * row's first pixel in `pixels`. With `grey`, the first byte of each pixel is the luma.
 */
export function lumaRow(
  pixels: Uint8Array,
  offset: number,
  cols: number,
  channels: PixelChannels,
  grey: boolean,
  out: Float32Array,
): void {
  if (grey) {
    for (let c = 0, p = offset; c < cols; c++, p += channels) out[c] = pixels[p];
    return;
  }

  for (let c = 0, p = offset; c < cols; c++, p += channels) {
    out[c] = Math.fround(LUT_R[pixels[p]] + LUT_G[pixels[p + 1]]) + LUT_B[pixels[p + 2]];
  }
}
