/**
 * The one thing the service needs from the media layer: turn image bytes into signals, in
 * memory. It is injected (the server and CLI pass src/media/image-hasher.ts) so the service
 * depends on this small shape only, and tests can pass a stub.
 */

/** Signals of one image. Hex strings, lower case; `dihedral` holds the 8 PDQ variants. */
export interface ImageSignals {
  readonly pdq: string;
  readonly quality: number;
  readonly md5: string;
  readonly sha1: string;
  readonly sha256: string;
  /** PDQ of the 8 dihedral variants in reference order (0 = as given), when asked for. */
  readonly dihedral?: readonly string[];
}

/** Hashes `image` without writing it anywhere; throws KHIEN_ERR_IMAGE_* for bad input. */
export type HashImage = (image: Buffer, opts: { dihedral: boolean }) => Promise<ImageSignals>;
