/**
 * API key format and storage: `khien_<id>_<secret>`. The id (16 base32 chars) is the primary
 * key; only SHA-256 of the 40-character secret is stored, so a database leak reveals no usable
 * key. Secrets are long random strings, so a plain hash (not a slow password hash) suffices.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { randomBase32 } from './ids.js';

const KEY_PATTERN = /^khien_([0-9a-z]{16})_([0-9a-z]{40})$/;

export interface ParsedKey {
  readonly id: string;
  readonly secret: string;
}

/** A fresh key: its id, the raw key to show once, and the hash to store. */
export function generateKey(): { id: string; raw: string; secretHash: string } {
  const id = randomBase32(16);
  const secret = randomBase32(40);
  return { id, raw: `khien_${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** The id and secret of a raw key, or null when it is not of the form. */
export function parseKey(raw: string): ParsedKey | null {
  const m = KEY_PATTERN.exec(raw);
  return m ? { id: m[1], secret: m[2] } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of a secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
