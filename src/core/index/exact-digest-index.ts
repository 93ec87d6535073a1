/**
 * ExactDigestIndex: exact lookup of MD5 (16 bytes), SHA-1 (20) and SHA-256 (32) digests. A
 * digest matches only itself, so a hash table keyed by the digest bytes is the whole index.
 * Keys are the digest bytes as a latin1 string (one char per byte: half the size of hex, and
 * V8 hashes strings natively). Several ids may share a digest (the same file in two banks).
 */
import { KhienError } from '../../errors/index.js';
import { checkId } from './index-arguments.js';
import type { DigestIndex } from './signal-index.js';

/** Byte lengths of the digests Khiên banks: MD5, SHA-1, SHA-256. */
export const DIGEST_LENGTHS = [16, 20, 32] as const;

export type DigestLength = (typeof DIGEST_LENGTHS)[number];

function digestKey(digest: Uint8Array, expected: DigestLength | undefined): string {
  const ok =
    digest instanceof Uint8Array &&
    (expected === undefined
      ? (DIGEST_LENGTHS as readonly number[]).includes(digest.length)
      : digest.length === expected);
  if (!ok) {
    const want = expected === undefined ? '16, 20 or 32' : String(expected);
    const got = digest instanceof Uint8Array ? `${digest.length} bytes` : typeof digest;
    throw new KhienError('KHIEN_ERR_HASH_MALFORMED', `a digest must be ${want} bytes, got ${got}`, {
      type: 'digest',
    });
  }
  let key = '';
  for (let i = 0; i < digest.length; i++) key += String.fromCharCode(digest[i]);
  return key;
}

export class ExactDigestIndex implements DigestIndex {
  private readonly byKey = new Map<string, number | number[]>();
  private readonly byId = new Map<number, string>();

  /** `digestLength` pins one algorithm; without it any of 16, 20, 32 bytes is accepted. */
  constructor(private readonly digestLength?: DigestLength) {}

  get size(): number {
    return this.byId.size;
  }

  /** Adds `digest` under `id`; re-adding an id replaces its digest. */
  add(id: number, digest: Uint8Array): void {
    checkId(id);
    const key = digestKey(digest, this.digestLength);
    this.remove(id);
    this.byId.set(id, key);
    const ids = this.byKey.get(key);
    if (ids === undefined) this.byKey.set(key, id);
    else if (typeof ids === 'number') this.byKey.set(key, [ids, id]);
    else ids.push(id);
  }

  remove(id: number): boolean {
    const key = this.byId.get(id);
    if (key === undefined) return false;
    this.byId.delete(id);
    const ids = this.byKey.get(key);
    if (typeof ids === 'number' || ids === undefined) {
      this.byKey.delete(key);
      return true;
    }
    ids.splice(ids.indexOf(id), 1);
    if (ids.length === 1) this.byKey.set(key, ids[0]);
    return true;
  }

  /** Ids in ascending order. */
  lookup(digest: Uint8Array): number[] {
    const ids = this.byKey.get(digestKey(digest, this.digestLength));
    if (ids === undefined) return [];
    return typeof ids === 'number' ? [ids] : [...ids].sort((a, b) => a - b);
  }
}
