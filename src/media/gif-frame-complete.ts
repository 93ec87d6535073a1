/**
 * Whether a GIF's first frame carries all its pixels. libvips (libnsgif) renders a frame whose
 * compressed data stops early without complaint, filling the rest, so a GIF cut inside its
 * first frame's data but closed properly would hash as a different picture. ImageMagick, which
 * decodes for the PDQ reference, refuses such a file (its GIF decoder stops with "corrupt
 * image" when the data runs out before the last row), so Khiên refuses it too.
 *
 * Only lengths are needed, not pixel values: the GIF variant of LZW (variable code width from
 * the minimum code size + 1 up to 12 bits, clear and end codes, no new entries once the table
 * holds 4096) is walked keeping the length of each table entry.
 */

const MAX_CODES = 4096;

/** The first frame's size, minimum code size and data (sub-blocks joined), if it has one. */
function firstFrameData(bytes: Uint8Array): { pixels: number; minCode: number; data: Uint8Array } {
  const u16 = (at: number) => bytes[at] | (bytes[at + 1] << 8);
  let p = 13;
  if (bytes[10] & 0x80) p += 3 * (1 << ((bytes[10] & 7) + 1)); // global colour table

  while (p < bytes.length && bytes[p] === 0x21) {
    p += 2; // extension introducer and label, then its sub-blocks
    while (p < bytes.length && bytes[p] !== 0) p += bytes[p] + 1;
    p++;
  }
  if (bytes[p] !== 0x2c || p + 11 > bytes.length)
    return { pixels: 0, minCode: 2, data: new Uint8Array() };

  const pixels = u16(p + 5) * u16(p + 7);
  const flags = bytes[p + 9];
  p += 10;
  if (flags & 0x80) p += 3 * (1 << ((flags & 7) + 1)); // local colour table
  const minCode = bytes[p++];
  const blocks: Uint8Array[] = [];
  while (p < bytes.length && bytes[p] !== 0) {
    blocks.push(bytes.subarray(p + 1, Math.min(p + 1 + bytes[p], bytes.length)));
    p += bytes[p] + 1;
  }
  return { pixels, minCode, data: Buffer.concat(blocks) };
}

/** How many pixels the LZW stream `data` decodes to, counting no further than `want`. */
export function lzwPixelCount(data: Uint8Array, minCode: number, want: number): number {
  if (minCode < 1 || minCode > 11) return 0;
  const clear = 1 << minCode;
  const lengths = new Uint16Array(MAX_CODES).fill(1, 0, clear);
  let width = minCode + 1;
  let next = clear + 2;
  let prev = -1;
  let count = 0;
  let buffer = 0;
  let bits = 0;
  let p = 0;

  while (count < want) {
    while (bits < width) {
      if (p >= data.length) return count;
      buffer |= data[p++] << bits;
      bits += 8;
    }
    const code = buffer & ((1 << width) - 1);
    buffer >>>= width;
    bits -= width;

    if (code === clear) {
      width = minCode + 1;
      next = clear + 2;
      prev = -1;
      continue;
    }
    if (code === clear + 1) return count; // end of information

    let length: number;
    if (prev === -1) {
      if (code > clear) return count; // a first code must be a literal
      length = 1;
    } else if (code < next) {
      length = lengths[code];
      if (next < MAX_CODES) lengths[next++] = lengths[prev] + 1;
    } else if (code === next && next < MAX_CODES) {
      length = lengths[prev] + 1;
      lengths[next++] = length;
    } else {
      return count; // a code not yet defined: the stream is broken here
    }
    count += length;
    prev = code;
    if (next === 1 << width && width < 12) width++;
  }
  return count;
}

/** True when the first frame's data decodes to width × height pixels (or no frame was found). */
export function gifFirstFrameComplete(bytes: Uint8Array): boolean {
  const { pixels, minCode, data } = firstFrameData(bytes);
  return pixels === 0 || lzwPixelCount(data, minCode, pixels) >= pixels;
}
