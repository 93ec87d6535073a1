/**
 * The image hasher the server hands to the service for uploads: the project's own hashing
 * (src/media/image-hasher.ts) on the bytes in memory, with the configured decoding limits.
 */
import type { Config } from '../config/index.js';
import { hashImage } from '../media/image-hasher.js';
import type { HashImage } from '../service/image-hashing.js';

/** A HashImage bound to the byte and pixel limits of `config`. */
export function serviceImageHasher(config: Pick<Config, 'maxImageBytes' | 'maxImagePixels'>) {
  const limits = { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels };
  const hasher: HashImage = (image, opts) => hashImage(image, { dihedral: opts.dihedral, limits });
  return hasher;
}
