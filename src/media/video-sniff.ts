/**
 * Recognising a video by its first bytes, for files whose name does not say (`khien hash`
 * routes by extension first). Container signatures only: ISO media (MP4, MOV, 3GP) but not the
 * ISO-based still formats (AVIF, HEIF), Matroska/WebM, AVI, FLV, ASF/WMV, MPEG program and
 * transport streams.
 */
import { open } from 'node:fs/promises';

const HEADER_BYTES = 377; // enough to see three MPEG-TS sync bytes 188 apart
const STILL_BRANDS = /^(avif|avis|heic|heix|heim|heis|mif1|msf1)$/;

/** True when the file's first bytes are those of a video container. */
export async function looksLikeVideoFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    return isVideoHeader(header.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** The signature test on a file's first bytes. */
export function isVideoHeader(b: Uint8Array): boolean {
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') return !STILL_BRANDS.test(ascii(8, 12));
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) {
    return true; // EBML: Matroska, WebM
  }
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'AVI ') return true;
  if (b.length >= 3 && ascii(0, 3) === 'FLV') return true;
  if (b.length >= 4 && b[0] === 0x30 && b[1] === 0x26 && b[2] === 0xb2 && b[3] === 0x75) {
    return true; // ASF: WMV
  }
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0xba) return true;
  return b.length >= 377 && b[0] === 0x47 && b[188] === 0x47 && b[376] === 0x47;
}
