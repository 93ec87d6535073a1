/**
 * Identifiers: a short prefix saying what the id names, then random base32 (Crockford alphabet,
 * lower case) so ids are unguessable, URL-safe and carry no count of how many exist.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** `n` random base32 characters (5 bits each). */
export function randomBase32(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[bytes[i] & 31];
  return out;
}

/**
 * A new id: `org_…`, `bank_…`, `key…`. Entry and match ids start with the time in base32 so
 * that they sort by creation, which keyset paging and exports rely on.
 */
export function newId(prefix: string, sortable = false): string {
  const time = sortable ? Date.now().toString(32).padStart(9, '0') : '';
  return `${prefix}_${time}${randomBase32(sortable ? 12 : 16)}`;
}
