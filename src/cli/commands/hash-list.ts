/**
 * Hash lists, the input of `khien match`: one hash per line, in any of the shapes `khien hash`
 * prints (hash-lines.ts) or bare hex, so `khien hash … > bank.csv` feeds it directly:
 *
 * - bare hex: `pdqhex`;
 * - csv: `pdqhex,quality,path`, or dihedral `h0,…,h7,quality,path` (8 hashes, reference order);
 * - json: `{"pdq": "…", "dihedral": ["…" ×8], …}`; `{path, error}` records of files the hasher
 *   could not read carry no hash and are skipped with a note.
 * Blank lines and lines starting with `#` are skipped. Line numbers count every line from 1.
 */
import { KhienError } from '../../errors/index.js';
import { isPdqHex, parsePdqHex, type PdqHash } from '../../core/pdq/pdq-hash.js';

/** One line's hashes: the hash, and its 8 dihedral variants when the line carries them. */
export interface HashListEntry {
  readonly line: number;
  readonly pdq: PdqHash;
  readonly dihedral?: readonly PdqHash[];
}

/** What a line holds: an entry, nothing (blank, comment), or a hasher's failure record. */
export type ParsedLine = HashListEntry | { skip: 'blank' } | { skip: 'failure'; code: string };

function malformed(line: number, message: string): KhienError {
  return new KhienError('KHIEN_ERR_HASH_LIST_MALFORMED', `line ${line}: ${message}`, { line });
}

function parseJsonLine(text: string, line: number): ParsedLine {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw malformed(line, 'expected a JSON object, got text that is not JSON');
  }
  if (typeof record !== 'object' || record === null) throw malformed(line, 'expected an object');
  const { pdq, dihedral, error } = record as Record<string, unknown>;
  if (pdq === undefined && typeof error === 'object' && error !== null) {
    return { skip: 'failure', code: String((error as Record<string, unknown>).code) };
  }
  if (typeof pdq !== 'string' || !isPdqHex(pdq)) {
    throw malformed(line, 'expected "pdq" to be 64 hex digits');
  }
  if (dihedral === undefined) return { line, pdq: parsePdqHex(pdq) };
  if (!Array.isArray(dihedral) || dihedral.length !== 8 || !dihedral.every(isPdqHexValue)) {
    throw malformed(line, 'expected "dihedral" to be 8 hashes of 64 hex digits');
  }
  return { line, pdq: parsePdqHex(pdq), dihedral: dihedral.map(parsePdqHex) };
}

function isPdqHexValue(value: unknown): value is string {
  return typeof value === 'string' && isPdqHex(value);
}

/** Parses one line (without its newline). Throws KHIEN_ERR_HASH_LIST_MALFORMED. */
export function parseHashListLine(text: string, line: number): ParsedLine {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return { skip: 'blank' };
  if (trimmed.startsWith('{')) return parseJsonLine(trimmed, line);

  const fields = trimmed.split(',', 9);
  if (!isPdqHex(fields[0])) {
    const shown = fields[0].length > 20 ? `${fields[0].slice(0, 20)}…` : fields[0];
    throw malformed(line, `expected a 64-hex-digit PDQ hash first, got "${shown}"`);
  }
  const pdq = parsePdqHex(fields[0]);
  if (fields.length >= 9 && fields.slice(0, 8).every(isPdqHex)) {
    return { line, pdq, dihedral: fields.slice(0, 8).map(parsePdqHex) };
  }
  return { line, pdq };
}
