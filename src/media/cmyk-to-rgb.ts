/**
 * CMYK → RGB the way the PDQ reference's decoder does it. The reference hashes what
 * ImageMagick 6 (Q16) writes when asked for a PNM: CMYK samples widened to 16 bits, the plain
 * formula R = QR − (C·(QR − K)/QR + K) in double (ImageMagick `ConvertCMYKToRGB`, QR = 65535),
 * rounded to a 16-bit quantum and scaled back to 8 bits with ImageMagick's `ScaleQuantumToChar`.
 * No ICC profile is applied. libvips would convert through a CMYK profile instead, which moves
 * the colours enough to change PDQ bits, so Khiên converts itself. The table was checked
 * against ImageMagick 6.9.11 on all 65,536 (C, K) pairs.
 */

const QR = 65535;

/** RGB_OF[c · 256 + k]: the 8-bit channel value for ink c under black k. */
const RGB_OF: Uint8Array = buildTable();

function buildTable(): Uint8Array {
  const table = new Uint8Array(256 * 256);
  for (let c = 0; c < 256; c++) {
    for (let k = 0; k < 256; k++) {
      const c16 = c * 257;
      const k16 = k * 257;
      const v = QR - ((1 / QR) * c16 * (QR - k16) + k16);
      const q = v <= 0 ? 0 : v >= QR ? QR : Math.trunc(v + 0.5);
      table[c * 256 + k] = (q + 128 - ((q + 128) >> 8)) >> 8;
    }
  }
  return table;
}

/**
 * Converts packed CMYK bytes (ink amounts, 0 = no ink) to packed RGB. `step` is the bytes per
 * pixel: 4, or 5 when an alpha channel follows (ignored, as PDQ ignores alpha).
 */
export function cmykToRgb(cmyk: Uint8Array, pixelCount: number, step = 4): Uint8Array {
  const rgb = new Uint8Array(pixelCount * 3);
  for (let i = 0, p = 0, o = 0; i < pixelCount; i++, p += step, o += 3) {
    const k = cmyk[p + 3];
    rgb[o] = RGB_OF[cmyk[p] * 256 + k];
    rgb[o + 1] = RGB_OF[cmyk[p + 1] * 256 + k];
    rgb[o + 2] = RGB_OF[cmyk[p + 2] * 256 + k];
  }
  return rgb;
}
