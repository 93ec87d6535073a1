/**
 * MatchRecorder: writes what matching must leave behind (the audit row of each match request,
 * one match_events row per reported match, and the per-day counters) in batches, so that a
 * thousand queries a second cost a few transactions a second rather than a thousand. Batches
 * are at most `flushMs` apart; 0 writes each request before it answers. A process killed
 * between two flushes loses at most that window of match records (never entries or reviews).
 */
import { sql } from 'kysely';
import { logger } from '../log/logger.js';
import type { MatchCountersTable, MatchEventsTable } from '../store/database.js';
import { insertRows } from '../store/insert-rows.js';
import type { Store } from '../store/open-store.js';
import { inWriteTransaction, type AuditEvent } from './write-transaction.js';

const EVENT_COLUMNS = [
  'id',
  'at',
  'org_id',
  'key_id',
  'request_id',
  'bank_id',
  'entry_id',
  'signal_id',
  'signal_type',
  'distance',
  'feedback',
] as const satisfies readonly (keyof MatchEventsTable)[];

/** What one match request leaves behind. */
export interface MatchRecord {
  readonly audit: AuditEvent;
  readonly events: readonly MatchEventsTable[];
  readonly day: string;
  readonly orgId: string;
  readonly queries: number;
  /** Hits per bank. */
  readonly hitsByBank: ReadonlyMap<string, number>;
}

/**
 * Records that start a write without waiting for the timer. better-sqlite3 writes on the event
 * loop, so a batch is a pause for every request in flight: at 5,000 requests a second a 50 ms
 * batch (about 250 records) held the loop for 6 ms (17 at worst), which was most of the p99;
 * batches of 64 hold it about a millisecond, for the same total work.
 */
const RECORDS_PER_WRITE = 64;

export class MatchRecorder {
  private pending: MatchRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly flushMs: number,
    private readonly now: () => string,
  ) {}

  /** Queues a record; with flushMs 0, writes it before returning. */
  async record(rec: MatchRecord): Promise<void> {
    this.pending.push(rec);
    if (this.flushMs === 0) return this.flush();
    if (this.pending.length >= RECORDS_PER_WRITE) {
      void this.flush().catch(() => undefined);
      return;
    }
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushMs);
    this.timer.unref();
  }

  /** Writes everything queued so far (waits for a flush under way). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    // A failed batch is logged and dropped; it must not wedge every later flush behind it.
    const next = this.flushing.then(() => (batch.length ? this.write(batch) : undefined));
    this.flushing = next.catch((err: unknown) => {
      logger.error({ err, records: batch.length }, 'match records could not be written');
    });
    return next;
  }

  private async write(batch: readonly MatchRecord[]): Promise<void> {
    const started = performance.now();
    await inWriteTransaction(
      this.store,
      this.now(),
      async (tx) => {
        const events = batch.flatMap((r) => r.events);
        await insertRows(tx.trx, tx.dialect, 'match_events', EVENT_COLUMNS, events);
        for (const row of counterRows(batch)) {
          await tx.trx
            .insertInto('match_counters')
            .values(row)
            .onConflict((oc) =>
              oc.columns(['day', 'org_id', 'bank_id']).doUpdateSet({
                queries: sql`match_counters.queries + ${row.queries}`,
                hits: sql`match_counters.hits + ${row.hits}`,
              }),
            )
            .execute();
        }
        for (const r of batch) tx.audit(r.audit);
      },
      { durable: false },
    );
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    logger.debug({ records: batch.length, durationMs }, 'match records written');
  }
}

/** Sums a batch into one counter row per (day, caller, bank); bank '' holds query totals. */
function counterRows(batch: readonly MatchRecord[]): MatchCountersTable[] {
  const rows = new Map<string, MatchCountersTable>();
  const bump = (day: string, org: string, bank: string, queries: number, hits: number) => {
    const key = `${day}\u0000${org}\u0000${bank}`;
    const row = rows.get(key) ?? { day, org_id: org, bank_id: bank, queries: 0, hits: 0 };
    row.queries += queries;
    row.hits += hits;
    rows.set(key, row);
  };
  for (const r of batch) {
    let total = 0;
    for (const [bank, hits] of r.hitsByBank) {
      bump(r.day, r.orgId, bank, 0, hits);
      total += hits;
    }
    bump(r.day, r.orgId, '', r.queries, total);
  }
  return [...rows.values()];
}
