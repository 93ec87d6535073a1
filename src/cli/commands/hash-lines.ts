/**
 * The lines `khien hash` prints, one per file. Other tools read them (`khien match`, partner
 * scripts), so their shape is a contract:
 *
 * - csv: `pdqhex,quality,path`, the line the reference `pdq-photo-hasher` prints;
 * - csv with dihedral: the 8 hashes in reference order, then quality, then path
 *   (`pdq-photo-hasher --pdqdih-across`);
 * - json: one object per line with every signal, or `{path, error: {code, message}}`.
 */
import type { ImageSignals } from '../../media/image-hasher.js';

/** Output formats of `khien hash`. */
export type HashFormat = 'csv' | 'json';

/** One file's outcome. */
export type FileOutcome =
  | { path: string; signals: ImageSignals }
  | { path: string; error: { code: string; message: string } };

/** The stdout line for a hashed file (no newline). */
export function formatSignals(path: string, s: ImageSignals, format: HashFormat): string {
  if (format === 'json') {
    const { pdq, quality, md5, sha1, sha256, width, height, format: imageFormat } = s;
    const record: Record<string, unknown> = {
      path,
      pdq,
      quality,
      md5,
      sha1,
      sha256,
      width,
      height,
    };
    record.format = imageFormat;
    if (s.dihedral !== undefined) {
      record.dihedral = s.dihedral;
      record.dihedralQuality = s.dihedralQuality;
    }
    return JSON.stringify(record);
  }

  if (s.dihedral !== undefined) return `${s.dihedral.join(',')},${s.dihedralQuality},${path}`;
  return `${s.pdq},${s.quality},${path}`;
}

/** The stdout line for a failed file in json format (csv prints nothing on stdout). */
export function formatFailureJson(path: string, error: { code: string; message: string }) {
  return JSON.stringify({ path, error: { code: error.code, message: error.message } });
}
