/**
 * BankDirectory: every bank with its access lists, cached in memory because matching consults
 * them on every query. Writes in this process reload it at once; changes made by another process
 * (the CLI, another server) are picked up when the cache is older than `maxAgeMs`.
 */
import type { Kysely } from 'kysely';
import { KhienError } from '../errors/index.js';
import type { Database } from '../store/database.js';
import { toBank, type BankLists } from './row-mapping.js';
import type { Bank } from './types.js';

export class BankDirectory {
  private banks = new Map<string, Bank>();
  private loadedAt = -Infinity;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxAgeMs = 2000,
  ) {}

  /** Every bank (fresh enough). */
  async all(): Promise<Bank[]> {
    await this.refreshIfStale();
    return [...this.banks.values()];
  }

  /** The bank, or KHIEN_ERR_BANK_NOT_FOUND (after one reload, in case it is new). */
  async get(bankId: string, db: Kysely<Database> = this.db): Promise<Bank> {
    // Inside a transaction `db` is that transaction: on SQLite the one connection is held by
    // it, so reading through this.db here would wait for ever.
    await this.refreshIfStale(db);
    let bank = this.banks.get(bankId);
    if (bank === undefined) {
      await this.reload(db);
      bank = this.banks.get(bankId);
    }
    if (bank === undefined) {
      throw new KhienError('KHIEN_ERR_BANK_NOT_FOUND', `no bank has id ${JSON.stringify(bankId)}`, {
        bankId,
      });
    }
    return bank;
  }

  /** Marks the cache stale; the next read reloads. */
  invalidate(): void {
    this.loadedAt = -Infinity;
  }

  /** Reads every bank and list; `db` may be a transaction (so reads see its own writes). */
  async reload(db: Kysely<Database> = this.db): Promise<void> {
    const rows = await db.selectFrom('banks').selectAll().execute();
    const access = await db.selectFrom('bank_access').selectAll().execute();
    const lists = new Map<string, BankLists>();
    for (const row of rows) lists.set(row.id, { match: [], view: [], contribute: [] });
    for (const a of access) lists.get(a.bank_id)?.[a.access as keyof BankLists].push(a.org_id);
    this.banks = new Map(rows.map((r) => [r.id, toBank(r, lists.get(r.id)!)]));
    this.loadedAt = Date.now();
  }

  private async refreshIfStale(db: Kysely<Database> = this.db): Promise<void> {
    if (Date.now() - this.loadedAt > this.maxAgeMs) await this.reload(db);
  }
}
