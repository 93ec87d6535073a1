/**
 * Every write of the service runs here: one store transaction that first takes the audit head
 * lock, then does its work, then appends its audit rows to the chain, then commits. Engine
 * updates are queued as after-commit hooks so the index never holds what the store rolled back.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { logger } from '../log/logger.js';
import { insertRows } from '../store/insert-rows.js';
import type { AuditLogTable, Database } from '../store/database.js';
import type { Store, StoreDialect } from '../store/open-store.js';
import { auditRowHash, canonicalJson } from './audit-chain.js';
import type { Actor } from './types.js';

/** One audit row to append: what happened to what, done by whom. */
export interface AuditEvent {
  readonly actor: Actor | null;
  readonly action: string;
  readonly subject: string | null;
  readonly details?: Record<string, unknown>;
}

/** The handle a write gets: the transaction, audit and after-commit queues. */
export interface WriteTx {
  readonly trx: Transaction<Database>;
  readonly dialect: StoreDialect;
  readonly at: string;
  audit(event: AuditEvent): void;
  afterCommit(hook: () => void): void;
}

/** How a write transaction commits. */
export interface WriteOptions {
  /**
   * False for records a power cut may lose (match records, already batched): the commit does
   * not wait for the disk. SQLite commits them with `synchronous = NORMAL` (in WAL mode a
   * killed process still loses nothing committed; only the OS crashing may drop the last few),
   * PostgreSQL with `synchronous_commit = off`. Why: better-sqlite3 is synchronous, so each
   * flush's fsync (13 ms measured here) stalled every request the server was answering.
   */
  readonly durable?: boolean;
}

/** Runs `work` in a transaction that ends by appending its audit rows to the chain. */
export async function inWriteTransaction<T>(
  store: Store,
  at: string,
  work: (tx: WriteTx) => Promise<T>,
  options: WriteOptions = {},
): Promise<T> {
  if (options.durable !== false) return runWrite(store, store.db, at, work, false);
  if (store.dialect === 'postgres') return runWrite(store, store.db, at, work, true);
  // The safety level can only change outside a transaction: hold the connection (SQLite has
  // one) so that no other write commits while it is lowered.
  return store.db.connection().execute(async (conn) => {
    await sql`PRAGMA synchronous = NORMAL`.execute(conn);
    try {
      return await runWrite(store, conn, at, work, false);
    } finally {
      await sql`PRAGMA synchronous = FULL`.execute(conn);
    }
  });
}

async function runWrite<T>(
  store: Store,
  db: Kysely<Database>,
  at: string,
  work: (tx: WriteTx) => Promise<T>,
  asyncCommit: boolean,
): Promise<T> {
  const events: AuditEvent[] = [];
  const hooks: (() => void)[] = [];
  const result = await db.transaction().execute(async (trx) => {
    if (asyncCommit) await sql`SET LOCAL synchronous_commit TO OFF`.execute(trx);
    // Writing the head first takes the write lock at once: SQLite's RESERVED lock (so a
    // deferred transaction never fails to upgrade) and PostgreSQL's row lock (so chain
    // appends from several processes are serialised).
    await trx.updateTable('audit_head').set({ id: 1 }).where('id', '=', 1).execute();
    const tx: WriteTx = {
      trx,
      dialect: store.dialect,
      at,
      audit: (e) => events.push(e),
      afterCommit: (h) => hooks.push(h),
    };
    const out = await work(tx);
    await appendAudit(trx, store.dialect, at, events);
    return out;
  });
  // The write is committed: a hook that fails (the engine refusing a signal) must not turn it
  // into an error answer. The engine sync replays the change; the failure is logged here.
  for (const hook of hooks) {
    try {
      hook();
    } catch (err) {
      logger.error({ err }, 'after-commit hook failed; the engine sync will replay the change');
    }
  }
  return result;
}

/** The audit log's columns, in the order they are bound. */
const AUDIT_COLUMNS = [
  'seq',
  'at',
  'org_id',
  'key_id',
  'request_id',
  'action',
  'subject',
  'details',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof AuditLogTable)[];

/** Appends `events` to the chain inside `trx`, which must hold the head lock. */
async function appendAudit(
  trx: Kysely<Database>,
  dialect: StoreDialect,
  at: string,
  events: readonly AuditEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const head = await trx
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();

  let seq = Number(head.seq);
  let prev = head.hash;
  const rows: AuditLogTable[] = [];
  for (const e of events) {
    seq += 1;
    const row = {
      seq,
      at,
      org_id: e.actor?.orgId ?? null,
      key_id: e.actor?.keyId ?? null,
      request_id: e.actor?.requestId ?? null,
      action: e.action,
      subject: e.subject,
      details: canonicalJson(e.details ?? {}),
      prev_hash: prev,
    };
    prev = auditRowHash(row);
    rows.push({ ...row, hash: prev });
  }

  await insertRows(trx, dialect, 'audit_log', AUDIT_COLUMNS, rows);
  await trx.updateTable('audit_head').set({ seq, hash: prev }).where('id', '=', 1).execute();
}
