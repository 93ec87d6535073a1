/**
 * One image file → all its signals: PDQ (with quality, optionally the 8 dihedral variants),
 * MD5, SHA-1 and SHA-256 of the file bytes. The I/O edge around the pure PDQ core: reads the
 * file, enforces the limits, decodes (image-decoder.ts) and picks the front end:
 *
 * - `full` (default): the core at full resolution, as HMA, pdqhash, the Java port and vPDQ
 *   hash, and as shared hash lists hold;
 * - `cli512`: the reference command-line tool's 512×512 nearest-neighbour squash first.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { SETTINGS } from '../config/index.js';
import { cliSquash512 } from '../core/pdq/cli512-squash.js';
import { toPdqHex } from '../core/pdq/pdq-hash.js';
import { pdqDihedralFromPixels, pdqFromPixels } from '../core/pdq/pdq-hasher.js';
import { KhienError } from '../errors/index.js';
import { checkBytes, decodeImage, type ImageLimits } from './image-decoder.js';

/** The two PDQ front ends. */
export type PdqMode = 'full' | 'cli512';

export const PDQ_MODES: readonly PdqMode[] = ['full', 'cli512'];

/** What hashImage may be asked for. */
export interface HashImageOptions {
  mode?: PdqMode;
  dihedral?: boolean;
  limits?: ImageLimits;
}

/** Every signal of one image. */
export interface ImageSignals {
  /** PDQ hash, 64 lower-case hex digits. */
  pdq: string;
  /** PDQ quality 0..100; below 50 is low quality. */
  quality: number;
  /** The 8 dihedral hashes in reference order (orig, rot90, …, flipminus1), when asked. */
  dihedral?: string[];
  /**
   * Quality of the dihedral computation. It equals `quality` except for images hashed at
   * exactly 64×64, where the reference's dihedral path filters and its plain path does not.
   */
  dihedralQuality?: number;
  md5: string;
  sha1: string;
  sha256: string;
  /** Decoded size (before any cli512 squash). */
  width: number;
  height: number;
  /** Format found from the file's content: jpeg, png, webp, tiff, gif, bmp or avif. */
  format: string;
}

/** The limits from the settings table's defaults. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBytes: SETTINGS.maxImageBytes.default,
  maxPixels: SETTINGS.maxImagePixels.default,
};

/** Hashes an image given as bytes or as a file path. Throws KhienError on any bad input. */
export async function hashImage(
  input: Buffer | string,
  opts: HashImageOptions = {},
): Promise<ImageSignals> {
  const limits = opts.limits ?? DEFAULT_IMAGE_LIMITS;
  const bytes = typeof input === 'string' ? await readImageFile(input, limits) : input;

  const digests = fileDigests(bytes);
  const decoded = await decodeImage(bytes, limits);
  const image = opts.mode === 'cli512' ? cliSquash512(decoded) : decoded;
  const pixelOpts = { stride: image.stride, grey: decoded.grey };

  const { hash, quality } = pdqFromPixels(
    image.pixels,
    image.width,
    image.height,
    image.channels,
    pixelOpts,
  );
  const signals: ImageSignals = {
    pdq: toPdqHex(hash),
    quality,
    ...digests,
    width: decoded.width,
    height: decoded.height,
    format: decoded.format,
  };

  if (opts.dihedral === true) {
    const d = pdqDihedralFromPixels(
      image.pixels,
      image.width,
      image.height,
      image.channels,
      pixelOpts,
    );
    signals.dihedral = d.hashes.map(toPdqHex);
    signals.dihedralQuality = d.quality;
  }
  return signals;
}

function fileDigests(bytes: Buffer): { md5: string; sha1: string; sha256: string } {
  return {
    md5: createHash('md5').update(bytes).digest('hex'),
    sha1: createHash('sha1').update(bytes).digest('hex'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Reads a file after checking its size, so an oversized file is never loaded. */
async function readImageFile(path: string, limits: ImageLimits): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new KhienError('KHIEN_ERR_NOT_FOUND', `expected a regular file, got ${path}`, {
        path,
      });
    }
    checkBytes(info.size, limits);
    return await readFile(path);
  } catch (err) {
    if (err instanceof KhienError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new KhienError('KHIEN_ERR_NOT_FOUND', `no such file: ${path}`, { path });
    }
    throw new KhienError(
      'KHIEN_ERR_IMAGE_UNREADABLE',
      `expected a readable file, got ${code ?? 'an error'} reading ${path}`,
      { path, errno: code },
      { cause: err },
    );
  }
}
