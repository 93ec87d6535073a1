/**
 * Reading the audit log: queries by time, organisation and action for auditors, and the chain
 * verification `khien audit verify` runs. Verification walks the whole log in sequence pages
 * and stops at the first row whose sequence, link or hash does not check out.
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

/** Walks the chain from the first row; names the first bad one. */
export async function verifyAuditChain(db: Kysely<Database>): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(5000)
      .execute();
    for (const r of rows) {
      const seq = Number(r.seq);
      const bad = (reason: string): AuditVerification => ({
        ok: false,
        rows: expectedSeq - 1,
        firstBad: { seq: Math.min(seq, expectedSeq), reason },
      });
      if (seq !== expectedSeq) return bad(`row ${expectedSeq} is missing (next row is ${seq})`);
      if (r.prev_hash !== prev) return bad(`row ${seq} does not link to row ${seq - 1}`);
      const { hash, ...rest } = r;
      if (auditRowHash({ ...rest, seq }) !== hash)
        return bad(`row ${seq} was altered (hash mismatch)`);
      prev = hash;
      expectedSeq += 1;
    }
    if (rows.length < 5000) break;
  }
  return checkHead(db, expectedSeq - 1, prev);
}

/** The head must name the last row: rows cut off the end leave it pointing past them. */
async function checkHead(
  db: Kysely<Database>,
  last: number,
  hash: string,
): Promise<AuditVerification> {
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (!head || Number(head.seq) !== last || head.hash !== hash) {
    const seq = head ? Number(head.seq) : last;
    const reason =
      head && Number(head.seq) > last
        ? `rows ${last + 1}..${seq} are missing`
        : 'the head does not match';
    return { ok: false, rows: last, firstBad: { seq: Math.min(seq, last + 1), reason } };
  }
  return { ok: true, rows: last, firstBad: null, headHash: hash };
}
