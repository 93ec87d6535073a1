/**
 * Decodes an image file into the 8-bit pixels the PDQ reference would hash (notes A.1): the
 * reference decodes through ImageMagick 6 into a PNM, so this hands the core the same bytes.
 *
 * - JPEG through libjpeg-turbo's default integer IDCT (sharp/libvips), progressive too.
 * - No EXIF auto-orientation and no ICC transform (ImageMagick applies neither when writing
 *   PNM); rotated uploads are caught by the dihedral hashes instead.
 * - Palette expanded to colour; alpha kept in the buffer but never read (the stored colour
 *   under transparent pixels is hashed, nothing is composited).
 * - CMYK converted with ImageMagick's own formula (cmyk-to-rgb.ts), not through a profile.
 * - 16-bit samples scaled to 8 bits by libvips (v >> 8). The reference keeps only the low
 *   byte, a bug this deliberately does not copy (docs/pdq.md).
 * - An image whose every pixel has r = g = b is flagged grey: ImageMagick writes such images as
 *   a 1-channel PGM, and the reference then uses the grey value as luma.
 * - GIF and multi-page TIFF: the first frame (for GIFs whose frames do not all cover the
 *   canvas, laid out as the reference's CImg loader does: gif-first-frame.ts). A GIF whose
 *   first frame's data ends early is refused, as ImageMagick does (gif-frame-complete.ts).
 * - BMP through bmp-decoder.ts (libvips, as sharp ships it, has no BMP loader).
 *
 * Limits are checked from the header before any pixel is decoded (decompression bombs).
 */
import sharp from 'sharp';
import type { PixelImage } from '../core/pdq/cli512-squash.js';
import { KhienError } from '../errors/index.js';
import { BmpFormatError, decodeBmp, readBmpHeader } from './bmp-decoder.js';
import { cmykToRgb } from './cmyk-to-rgb.js';
import { gifFrameRects, referenceSlice, referenceSliceSize } from './gif-first-frame.js';
import { gifFirstFrameComplete } from './gif-frame-complete.js';
import { sniffImageFormat, type ImageFormat } from './image-format.js';

/** Size limits applied before decoding. */
export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

/** A decoded image ready for the PDQ core. */
export interface DecodedImage extends PixelImage {
  format: ImageFormat;
  /** Every pixel has r = g = b: hash the first channel as luma, as the reference does. */
  grey: boolean;
}

// libvips names the formats it loads; the sniffed format must agree with what it found.
const VIPS_FORMAT: Record<Exclude<ImageFormat, 'bmp'>, string> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  tiff: 'tiff',
  gif: 'gif',
  avif: 'heif',
};

/** Decodes `bytes`, or throws KHIEN_ERR_IMAGE_UNSUPPORTED / _CORRUPT / _TOO_LARGE. */
export async function decodeImage(bytes: Buffer, limits: ImageLimits): Promise<DecodedImage> {
  checkBytes(bytes.length, limits);
  const format = sniffImageFormat(bytes);
  if (format === undefined) {
    throw new KhienError(
      'KHIEN_ERR_IMAGE_UNSUPPORTED',
      `expected a JPEG, PNG, WebP, TIFF, GIF, BMP or AVIF file, got ${bytes.length === 0 ? 'an empty file' : 'an unrecognised signature'}`,
      { signature: bytes.subarray(0, 8).toString('hex') },
    );
  }

  const image =
    format === 'bmp' ? decodeBmpImage(bytes, limits) : await decodeVips(bytes, format, limits);
  return { ...image, format, grey: isAllGrey(image) };
}

/** KHIEN_ERR_IMAGE_TOO_LARGE when a file is over the byte limit. */
export function checkBytes(size: number, limits: ImageLimits): void {
  if (size > limits.maxBytes) {
    throw new KhienError(
      'KHIEN_ERR_IMAGE_TOO_LARGE',
      `image files may be at most ${limits.maxBytes} bytes, got ${size}`,
      { bytes: size, maxBytes: limits.maxBytes },
    );
  }
}

function checkPixels(width: number, height: number, limits: ImageLimits): void {
  if (width * height > limits.maxPixels) {
    throw new KhienError(
      'KHIEN_ERR_IMAGE_TOO_LARGE',
      `images may have at most ${limits.maxPixels} pixels, got ${width}×${height}`,
      { width, height, maxPixels: limits.maxPixels },
    );
  }
}

function corrupt(format: ImageFormat, err: unknown): KhienError {
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new KhienError(
    'KHIEN_ERR_IMAGE_CORRUPT',
    `expected a decodable ${format.toUpperCase()} image, got one that fails to decode: ${reason}`,
    { format },
    { cause: err },
  );
}

async function decodeVips(
  bytes: Buffer,
  format: Exclude<ImageFormat, 'bmp'>,
  limits: ImageLimits,
): Promise<PixelImage> {
  const options: sharp.SharpOptions = {
    failOn: 'error',
    ignoreIcc: true,
    limitInputPixels: limits.maxPixels,
    pages: 1,
    page: 0,
  };

  // libpng refuses sizes past its own ceiling (10M pixels a side) before any metadata: check
  // the declared size first, so a bomb is called too large rather than corrupt.
  const declared = format === 'png' ? pngDeclaredSize(bytes) : null;
  if (declared !== null) checkPixels(declared.width, declared.height, limits);
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch (err) {
    if (err instanceof Error && /exceeds (user )?limit/i.test(err.message)) {
      throw new KhienError(
        'KHIEN_ERR_IMAGE_TOO_LARGE',
        `images may have at most ${limits.maxPixels} pixels, got one the decoder refuses as too large`,
        { maxPixels: limits.maxPixels },
        { cause: err },
      );
    }
    throw corrupt(format, err);
  }
  if (meta.format !== VIPS_FORMAT[format] || !meta.width || !meta.height) {
    throw corrupt(format, new Error(`the decoder found ${meta.format ?? 'no'} image data`));
  }
  checkPixels(meta.width, meta.height, limits);
  if (format === 'gif' && !gifFirstFrameComplete(bytes)) {
    throw corrupt(format, new Error('the first frame has fewer pixels than it declares'));
  }

  try {
    if (meta.space === 'cmyk') return await decodeCmyk(bytes, options);
    const { data, info } = await sharp(bytes, options).raw().toBuffer({ resolveWithObject: true });
    const image = {
      pixels: data,
      width: info.width,
      height: info.height,
      channels: rgbChannels(info),
    };
    return format === 'gif' ? gifFrameOnly(bytes, image, limits) : image;
  } catch (err) {
    throw corrupt(format, err);
  }
}

/** Width and height from a PNG's IHDR chunk (the first, by the format), or null if absent. */
function pngDeclaredSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** A GIF whose frames do not all cover the canvas: the reference's first slice instead. */
function gifFrameOnly(bytes: Buffer, image: PixelImage, limits: ImageLimits): PixelImage {
  const rects = gifFrameRects(bytes);
  if (rects.length === 0) return image;
  const first = rects[0];
  const size = referenceSliceSize(rects);
  const firstIsCanvas =
    first.left === 0 &&
    first.top === 0 &&
    first.width === image.width &&
    first.height === image.height;
  if (firstIsCanvas && size.width === image.width && size.height === image.height) return image;
  if (size.width === 0 || size.height === 0) return image;

  checkPixels(size.width, size.height, limits);
  const { width, height, channels } = image;
  const pixels = referenceSlice(image.pixels, width, height, channels, first, size);
  return { pixels, width: size.width, height: size.height, channels };
}

function rgbChannels(info: sharp.OutputInfo): 3 | 4 {
  if (info.channels !== 3 && info.channels !== 4) {
    throw new Error(`expected 3 or 4 channels after colour conversion, got ${info.channels}`);
  }
  return info.channels;
}

/** CMYK kept as CMYK through libvips, then converted the ImageMagick way. */
async function decodeCmyk(bytes: Buffer, options: sharp.SharpOptions): Promise<PixelImage> {
  const { data, info } = await sharp(bytes, options)
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels < 4) throw new Error(`expected 4 CMYK channels, got ${info.channels}`);

  const pixels = cmykToRgb(data, info.width * info.height, info.channels);
  return { pixels, width: info.width, height: info.height, channels: 3 };
}

function decodeBmpImage(bytes: Buffer, limits: ImageLimits): PixelImage {
  try {
    const header = readBmpHeader(bytes);
    checkPixels(header.width, header.height, limits);
    const { pixels, width, height } = decodeBmp(bytes);
    return { pixels, width, height, channels: 3 };
  } catch (err) {
    if (err instanceof BmpFormatError) throw corrupt('bmp', err);
    throw err;
  }
}

/** True when every pixel has r = g = b (alpha, if any, ignored). */
function isAllGrey(image: PixelImage): boolean {
  const { pixels, channels } = image;
  if (channels <= 2) return true;

  const end = image.width * image.height * channels;
  for (let p = 0; p < end; p += channels) {
    if (pixels[p] !== pixels[p + 1] || pixels[p] !== pixels[p + 2]) return false;
  }
  return true;
}
