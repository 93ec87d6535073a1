/**
 * A BMP decoder that gives the pixels ImageMagick 6 gives, which is what the PDQ reference
 * hashes. libvips (as shipped with sharp) has no BMP loader, and the npm decoders tried
 * mis-decode palette and RLE files, so Khiên reads the format itself: it is small and fully
 * specified (Microsoft BITMAPINFOHEADER and its V2–V5 extensions, and the OS/2 core header).
 *
 * Supported: 1/4/8-bit palette (uncompressed, RLE8, RLE4), 16-bit (5-5-5 or bit fields),
 * 24-bit, 32-bit (BGRX or bit fields). Bit-field channels narrower than 8 bits are widened the
 * way ImageMagick does, by repeating their bits (5-bit 17 → 140); checked against ImageMagick
 * 6.9.11 on every 5-5-5 and 5-6-5 value. Channels wider than 8 bits keep their top 8 bits.
 * Alpha is not returned (PDQ ignores it).
 * Pixels an RLE stream leaves unwritten take palette entry 0, as in ImageMagick.
 */

/** Decoded BMP: packed RGB, top row first. */
export interface BmpPixels {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** BMP header fields needed to decode (and to check limits before decoding). */
export interface BmpHeader {
  width: number;
  height: number;
  topDown: boolean;
  bits: number;
  compression: number;
  dataOffset: number;
  headerSize: number;
}

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** Thrown for malformed files; the caller turns it into a coded error. */
export class BmpFormatError extends Error {}

/** Reads the file and info headers; throws BmpFormatError when they make no sense. */
export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 26) throw new BmpFormatError('file shorter than a BMP header');

  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && headerSize < 40) throw new BmpFormatError(`unknown header size ${headerSize}`);
  if (bytes.length < 14 + (core ? 12 : 40)) throw new BmpFormatError('truncated info header');

  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getUint16(20, true) : view.getInt32(22, true);
  const bits = core ? view.getUint16(24, true) : view.getUint16(28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw new BmpFormatError(`bad size ${width}×${rawHeight}`);
  return { width, height, topDown: rawHeight < 0, bits, compression, dataOffset, headerSize };
}

/** Decodes a whole BMP file to RGB. */
export function decodeBmp(bytes: Uint8Array): BmpPixels {
  const h = readBmpHeader(bytes);
  const rgb = new Uint8Array(h.width * h.height * 3);

  if (h.bits <= 8) decodePalette(bytes, h, rgb);
  else if (h.compression === BI_RGB || isBitfields(h.compression)) decodeDirect(bytes, h, rgb);
  else throw new BmpFormatError(`compression ${h.compression} with ${h.bits} bits per pixel`);
  return { pixels: rgb, width: h.width, height: h.height };
}

const isBitfields = (c: number): boolean => c === BI_BITFIELDS || c === BI_ALPHABITFIELDS;

/** Index of the first byte of image row `y` (0 = top) in a file laid out bottom-up or not. */
function rowStart(h: BmpHeader, y: number, rowBytes: number): number {
  return h.dataOffset + (h.topDown ? y : h.height - 1 - y) * rowBytes;
}

function decodePalette(bytes: Uint8Array, h: BmpHeader, rgb: Uint8Array): void {
  if (![1, 4, 8].includes(h.bits)) throw new BmpFormatError(`${h.bits} bits per pixel`);
  const palette = readPalette(bytes, h);
  const index = new Uint8Array(h.width * h.height);

  if (h.compression === BI_RLE8 || h.compression === BI_RLE4) {
    if (h.topDown) throw new BmpFormatError('a run-length BMP cannot be top-down');
    if ((h.compression === BI_RLE8) !== (h.bits === 8)) {
      throw new BmpFormatError(`compression ${h.compression} with ${h.bits} bits per pixel`);
    }
    decodeRle(bytes, h, index);
  } else if (h.compression === BI_RGB) {
    unpackIndices(bytes, h, index);
  } else {
    throw new BmpFormatError(`compression ${h.compression} with a palette`);
  }

  const colours = palette.length / 3;
  for (let i = 0; i < index.length; i++) {
    const k = index[i] < colours ? index[i] * 3 : 0;
    rgb[i * 3] = palette[k];
    rgb[i * 3 + 1] = palette[k + 1];
    rgb[i * 3 + 2] = palette[k + 2];
  }
}

/** The colour table as packed RGB (file order is B, G, R[, reserved]). */
function readPalette(bytes: Uint8Array, h: BmpHeader): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entryBytes = h.headerSize === 12 ? 3 : 4;
  const used = h.headerSize >= 40 ? view.getUint32(46, true) : 0;
  let count = used > 0 && used <= 1 << h.bits ? used : 1 << h.bits;
  const start =
    14 + h.headerSize + (h.compression === BI_BITFIELDS && h.headerSize === 40 ? 12 : 0);
  count = Math.min(count, Math.floor((h.dataOffset - start) / entryBytes));
  if (count <= 0 || start + count * entryBytes > bytes.length) {
    throw new BmpFormatError('missing colour table');
  }

  const out = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const p = start + i * entryBytes;
    out[i * 3] = bytes[p + 2];
    out[i * 3 + 1] = bytes[p + 1];
    out[i * 3 + 2] = bytes[p];
  }
  return out;
}

function unpackIndices(bytes: Uint8Array, h: BmpHeader, index: Uint8Array): void {
  const rowBytes = Math.ceil((h.bits * h.width) / 32) * 4;
  requireBytes(bytes, rowStart(h, h.topDown ? h.height - 1 : 0, rowBytes) + rowBytes);
  const perByte = 8 / h.bits;
  const mask = (1 << h.bits) - 1;

  for (let y = 0; y < h.height; y++) {
    const row = rowStart(h, y, rowBytes);
    for (let x = 0; x < h.width; x++) {
      const byte = bytes[row + Math.floor(x / perByte)];
      const shift = 8 - h.bits * ((x % perByte) + 1);
      index[y * h.width + x] = (byte >> shift) & mask;
    }
  }
}

/** RLE8 / RLE4 streams, bottom-up: runs, literal runs, end of line, delta, end of bitmap. */
function decodeRle(bytes: Uint8Array, h: BmpHeader, index: Uint8Array): void {
  const four = h.compression === BI_RLE4;
  let p = h.dataOffset;
  let x = 0;
  let y = 0; // counted from the bottom row
  const put = (v: number) => {
    if (x < h.width && y < h.height) index[(h.height - 1 - y) * h.width + x] = v;
    x++;
  };
  const next = () => {
    if (p >= bytes.length) throw new BmpFormatError('run-length data ends early');
    return bytes[p++];
  };

  for (;;) {
    const count = next();
    const value = next();
    if (count > 0) {
      for (let i = 0; i < count; i++) put(four ? (i % 2 === 0 ? value >> 4 : value & 15) : value);
    } else if (value === 0) {
      x = 0;
      y++;
    } else if (value === 1) {
      return;
    } else if (value === 2) {
      x += next();
      y += next();
    } else {
      const literalBytes = four ? Math.ceil(value / 2) : value;
      for (let i = 0; i < value; i++) {
        const b = four ? bytes[p + (i >> 1)] : bytes[p + i];
        put(four ? (i % 2 === 0 ? b >> 4 : b & 15) : b);
      }
      p += literalBytes + (literalBytes % 2);
      if (p > bytes.length) throw new BmpFormatError('run-length data ends early');
    }
  }
}

/** 16-, 24- and 32-bit pixels, with default or explicit channel masks. */
function decodeDirect(bytes: Uint8Array, h: BmpHeader, rgb: Uint8Array): void {
  if (![16, 24, 32].includes(h.bits)) throw new BmpFormatError(`${h.bits} bits per pixel`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const masks = channelMasks(view, h);
  const channels = masks.map(maskChannel);
  const bpp = h.bits / 8;
  const rowBytes = Math.ceil((h.bits * h.width) / 32) * 4;
  requireBytes(bytes, rowStart(h, h.topDown ? h.height - 1 : 0, rowBytes) + rowBytes);

  for (let y = 0; y < h.height; y++) {
    const row = rowStart(h, y, rowBytes);
    for (let x = 0, o = y * h.width * 3; x < h.width; x++, o += 3) {
      const p = row + x * bpp;
      if (h.bits === 24) {
        rgb[o] = bytes[p + 2];
        rgb[o + 1] = bytes[p + 1];
        rgb[o + 2] = bytes[p];
        continue;
      }
      const v = h.bits === 16 ? view.getUint16(p, true) : view.getUint32(p, true);
      for (let c = 0; c < 3; c++) rgb[o + c] = channels[c](v);
    }
  }
}

function channelMasks(view: DataView, h: BmpHeader): [number, number, number] {
  if (isBitfields(h.compression)) {
    if (h.headerSize < 40 || view.byteLength < 66) throw new BmpFormatError('missing bit fields');
    return [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  }
  return h.bits === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
}

/** A function extracting one channel as 8 bits, widened as ImageMagick widens it. */
function maskChannel(mask: number): (v: number) => number {
  if (mask === 0) return () => 0;
  const shift = 31 - Math.clz32(mask & -mask);
  const bits = 32 - Math.clz32(mask >>> shift);
  if (bits > 8) return (v) => ((v & mask) >>> shift) >>> (bits - 8);

  const table = new Uint8Array(1 << bits);
  for (let v = 0; v < table.length; v++) table[v] = widenTo8(v, bits);
  return (v) => table[(v & mask) >>> shift];
}

/** An n-bit value (n ≤ 8) to 8 bits by repeating its bits: 5 bits 10001 → 10001100. */
function widenTo8(v: number, bits: number): number {
  let q = 0;
  for (let filled = 0; filled < 8; filled += bits) q = (q << bits) | v;
  const total = Math.ceil(8 / bits) * bits;
  return (q >> (total - 8)) & 0xff;
}

function requireBytes(bytes: Uint8Array, end: number): void {
  if (end > bytes.length) {
    throw new BmpFormatError(`pixel data ends at byte ${bytes.length}, expected ${end}`);
  }
}
