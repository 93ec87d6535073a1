/**
 * Reading the audit log: queries by time, organisation and action for auditors, and the chain
 * verification `khien audit verify` runs. Verification walks the log in sequence pages up to
 * the head and stops at the first row whose sequence, link or hash does not check out.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { auditRowHash, GENESIS_HASH } from './audit-chain.js';
import type { AuditPage, AuditQuery, AuditRecord, AuditVerification } from './types.js';

/** One page of rows matching `query`, oldest first. */
export async function queryAuditLog(db: Kysely<Database>, query: AuditQuery): Promise<AuditPage> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), 1000);
  let q = db.selectFrom('audit_log').selectAll();
  if (query.from) q = q.where('at', '>=', query.from);
  if (query.to) q = q.where('at', '<=', query.to);
  if (query.orgId) q = q.where('org_id', '=', query.orgId);
  if (query.action?.endsWith('.')) q = q.where('action', 'like', `${query.action}%`);
  else if (query.action) q = q.where('action', '=', query.action);
  if (query.afterSeq !== undefined) q = q.where('seq', '>', query.afterSeq);
  const rows = await q
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const records: AuditRecord[] = rows.slice(0, limit).map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    orgId: r.org_id,
    keyId: r.key_id,
    requestId: r.request_id,
    action: r.action,
    subject: r.subject,
    details: JSON.parse(r.details) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
  return { records, next: rows.length > limit ? records[records.length - 1].seq : null };
}

/**
 * Walks the chain from the first row to the head as it stood when the walk began, and names
 * the first bad row. Rows and head are written in one transaction, so every row up to the head
 * read first is committed and complete: writes that land during the walk (a live server
 * appends an audit row per request) lie past it and are left for the next verification, not
 * taken for rows missing from the end. Rows past the head at the end of the walk were not
 * written through a transaction that moved the head: those are reported.
 */
export async function verifyAuditChain(db: Kysely<Database>): Promise<AuditVerification> {
  const head = await readHead(db);
  // The migration writes the head row; without it nothing anchors the chain.
  if (head === null) return broken(0, 1, 'the audit head row is missing');
  const before = await rowBeforeFirst(db);
  if (before !== null) return broken(0, before, `row ${before} lies before row 1 (forged)`);
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  while (expectedSeq <= head.seq) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .where('seq', '<=', head.seq)
      .orderBy('seq')
      .limit(PAGE_ROWS)
      .execute();
    for (const r of rows) {
      const seq = Number(r.seq);
      const bad = (reason: string) => broken(expectedSeq - 1, Math.min(seq, expectedSeq), reason);
      if (seq !== expectedSeq) return bad(`${missing(expectedSeq, seq - 1)} (next row is ${seq})`);
      if (r.prev_hash !== prev) return bad(`row ${seq} does not link to row ${seq - 1}`);
      const { hash, ...rest } = r;
      if (auditRowHash({ ...rest, seq }) !== hash)
        return bad(`row ${seq} was altered (hash mismatch)`);
      prev = hash;
      expectedSeq += 1;
    }
    if (rows.length < PAGE_ROWS) break;
  }
  const last = expectedSeq - 1;
  if (last < head.seq) return broken(last, last + 1, `${missing(last + 1, head.seq)} from the end`);
  if (head.hash !== prev) {
    return broken(last, Math.max(last, 1), 'the head does not match the last row');
  }
  const past = await rowsPastHead(db);
  if (past !== null) {
    return broken(last, past, `row ${past} lies past the head (written outside a commit)`);
  }
  return { ok: true, rows: last, firstBad: null, headHash: prev };
}

const PAGE_ROWS = 5000;

/** A failed verification: `rows` rows checked out before the bad row `seq`. */
function broken(rows: number, seq: number, reason: string): AuditVerification {
  return { ok: false, rows, firstBad: { seq, reason }, code: 'KHIEN_ERR_AUDIT_CHAIN_BROKEN' };
}

function missing(from: number, to: number): string {
  return from === to ? `row ${from} is missing` : `rows ${from}..${to} are missing`;
}

async function readHead(db: Kysely<Database>): Promise<{ seq: number; hash: string } | null> {
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return head ? { seq: Number(head.seq), hash: head.hash } : null;
}

/** A row numbered below 1, which no write makes (sequences start at 1). */
async function rowBeforeFirst(db: Kysely<Database>): Promise<number | null> {
  const low = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.min('seq').as('seq'))
    .where('seq', '<', 1)
    .executeTakeFirst();
  return low?.seq === null || low?.seq === undefined ? null : Number(low.seq);
}

/**
 * The first row beyond the head, if any. The largest sequence is read before the head: a row
 * committed by then was committed with a head at least as far, so only a row that never moved
 * the head can lie past it.
 */
async function rowsPastHead(db: Kysely<Database>): Promise<number | null> {
  const top = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  const head = (await readHead(db)) ?? { seq: 0 };
  if (top?.seq === null || top?.seq === undefined || Number(top.seq) <= head.seq) return null;
  const first = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.min('seq').as('seq'))
    .where('seq', '>', head.seq)
    .executeTakeFirstOrThrow();
  return Number(first.seq);
}
