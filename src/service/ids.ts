/**
 * Identifiers: a short prefix saying what the id names, then random base32 (Crockford alphabet,
 * lower case) so ids are unguessable, URL-safe and carry no count of how many exist.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

// Random bytes are drawn from a pool refilled 4 KiB at a time: a call to the system source per
// id costs more than the rest of a match request's id-making.
let pool = randomBytes(4096);
let used = 0;

function takeRandom(n: number): Buffer {
  if (used + n > pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  used += n;
  return pool.subarray(used - n, used);
}

/** `n` random base32 characters (5 bits each). */
export function randomBase32(n: number): string {
  const bytes = takeRandom(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[bytes[i] & 31];
  return out;
}

let lastMs = 0;
let seq = 0;

/** Milliseconds then a per-process counter, both fixed-width base32: sorts by creation. */
function timePrefix(): string {
  const now = Date.now();
  if (now === lastMs) seq += 1;
  else {
    lastMs = now;
    seq = 0;
  }
  return now.toString(32).padStart(9, '0') + (seq % 1048576).toString(32).padStart(4, '0');
}

/**
 * A new id: `org_…`, `bank_…`, `key…`. Entry, job and match ids start with the time and a
 * counter so that they sort by creation (within a process; across processes to the
 * millisecond), which keyset paging and exports rely on.
 */
export function newId(prefix: string, sortable = false): string {
  return sortable ? `${prefix}_${timePrefix()}${randomBase32(8)}` : `${prefix}_${randomBase32(16)}`;
}
