/**
 * The audit log's hash chain. Each row's hash is SHA-256 over its canonical form, which
 * includes the previous row's hash, so editing, removing or inserting a row breaks every hash
 * after it; the head row (last seq and hash) catches removal of rows at the end.
 */
import { createHash } from 'node:crypto';
import type { AuditLogTable } from '../store/database.js';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: one text for one value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** The hash of one row (every column but `hash`), as stored. */
export function auditRowHash(row: Omit<AuditLogTable, 'hash'>): string {
  const canonical = JSON.stringify([
    row.seq,
    row.at,
    row.org_id,
    row.key_id,
    row.request_id,
    row.action,
    row.subject,
    row.details,
    row.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
