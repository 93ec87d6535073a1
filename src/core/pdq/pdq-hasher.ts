/**
 * PDQ hashing of a decoded pixel buffer at full resolution: the core shared by photos and
 * video frames (notes A.3–A.10; ThreatExchange pdq/cpp/hashing `pdqHash256FromFloatLuma` and
 * `pdqDihedralHash256esFromFloatLuma`). Pure and allocation-light: buffers are reused across
 * calls, so one thread can hash frame after frame without garbage.
 */
import { dctToHash } from './pdq-bits.js';
import { dct64To16 } from './pdq-dct.js';
import { dihedralDct } from './pdq-dihedral.js';
import { PDQ_WORDS, type PdqHash } from './pdq-hash.js';
import type { PixelChannels } from './pdq-luma.js';
import { pdqQuality } from './pdq-quality.js';
import { jaroszTo64, lumaTo64Unfiltered, type PixelLayout } from './jarosz-downsampler.js';
import { KhienError } from '../../errors/index.js';

export { PDQ_LOW_QUALITY_THRESHOLD, isLowQuality } from './pdq-quality.js';
export { PDQ_DIHEDRAL_ORDER } from './pdq-dihedral.js';

/** Images smaller than this on either side hash to zeros with quality 0 (reference A.4). */
export const PDQ_MIN_DIMENSION = 5;

/** Options for the pixel-buffer entry points. */
export interface PdqPixelOptions {
  /** Bytes from one row to the next (default width × channels), e.g. a padded video line. */
  stride?: number;
  /**
   * Use the first byte of each pixel as the luma even with 3 or 4 channels. The reference's
   * decoder hands over one grey channel whenever every pixel has r = g = b, and the RGB
   * formula would differ from the grey value in the last bit for 35 of the 256 levels.
   * Always true for 1 and 2 channels.
   */
  grey?: boolean;
}

/** A PDQ hash with its quality. */
export interface PdqResult {
  hash: PdqHash;
  quality: number;
}

/** The 8 dihedral hashes (reference order, see PDQ_DIHEDRAL_ORDER) with their one quality. */
export interface PdqDihedralResult {
  hashes: PdqHash[];
  quality: number;
}

const GRID = new Float32Array(64 * 64);
const DCT = new Float32Array(16 * 16);
const VARIANT = new Float32Array(16 * 16);

/**
 * Hashes pixels (row-major; 1 = grey, 2 = grey+alpha, 3 = RGB, 4 = RGBA, alpha ignored) at full
 * resolution. An image smaller than 5 pixels on a side gives the all-zero hash with quality 0,
 * as the reference.
 */
export function pdqFromPixels(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: PixelChannels,
  opts: PdqPixelOptions = {},
): PdqResult {
  const layout = checkLayout(pixels, width, height, channels, opts);
  if (width < PDQ_MIN_DIMENSION || height < PDQ_MIN_DIMENSION) {
    return { hash: new Uint16Array(PDQ_WORDS), quality: 0 };
  }

  // The reference copies an exactly 64×64 image straight into the grid (plain hash only).
  if (width === 64 && height === 64) lumaTo64Unfiltered(pixels, layout, GRID);
  else jaroszTo64(pixels, layout, GRID);

  const quality = pdqQuality(GRID);
  dct64To16(GRID, DCT);
  return { hash: dctToHash(DCT), quality };
}

/** The 8 dihedral hashes of the pixels, from one DCT. Always filters, as the reference does. */
export function pdqDihedralFromPixels(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: PixelChannels,
  opts: PdqPixelOptions = {},
): PdqDihedralResult {
  const layout = checkLayout(pixels, width, height, channels, opts);
  if (width < PDQ_MIN_DIMENSION || height < PDQ_MIN_DIMENSION) {
    return { hashes: Array.from({ length: 8 }, () => new Uint16Array(PDQ_WORDS)), quality: 0 };
  }

  jaroszTo64(pixels, layout, GRID);
  const quality = pdqQuality(GRID);
  dct64To16(GRID, DCT);
  return { hashes: pdqDihedralVariants(DCT), quality };
}

/** The 8 hashes of a 16×16 DCT block and its rotations/flips, each at its own median. */
export function pdqDihedralVariants(dct: Float32Array): PdqHash[] {
  const hashes: PdqHash[] = [];
  for (let v = 0; v < 8; v++) {
    dihedralDct(dct, v, VARIANT);
    hashes.push(dctToHash(VARIANT));
  }
  return hashes;
}

/** Validates the buffer geometry; a mismatch is a programming error at the caller's edge. */
function checkLayout(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: PixelChannels,
  opts: PdqPixelOptions,
): PixelLayout {
  const stride = opts.stride ?? width * channels;
  const valid =
    Number.isInteger(width) &&
    Number.isInteger(height) &&
    width > 0 &&
    height > 0 &&
    [1, 2, 3, 4].includes(channels) &&
    Number.isInteger(stride) &&
    stride >= width * channels &&
    pixels.length >= stride * (height - 1) + width * channels;
  if (!valid) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `pixel buffer must hold ${height} rows of ${width}×${channels} bytes at stride ${stride}, ` +
        `got ${pixels.length} bytes`,
      { width, height, channels, stride, bytes: pixels.length },
    );
  }
  return { width, height, channels, stride, grey: channels <= 2 || opts.grey === true };
}
