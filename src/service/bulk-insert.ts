/**
 * Bulk insertion of many new entries in one transaction, for imports: a few multi-row
 * statements per chunk instead of several statements per entry (each statement through the
 * query builder costs far more than the row itself). Duplicates, by external id within the
 * list or by a signal already held by a live entry of the bank, are skipped and counted.
 */
import { newEntryRow, type NewEntry } from './entry-records.js';
import type { Actor, Bank } from './types.js';
import type { WriteTx } from './write-transaction.js';

/** Rows per multi-row statement: well under SQLite's bound-parameter limit (32766). */
const ROWS_PER_STATEMENT = 400;

export interface BulkResult {
  readonly inserted: number;
  readonly duplicates: number;
  /** Ids of the inserted signals (when asked for), with what the engine needs. */
  readonly signals: { id: number; type: string; value: string }[];
}

/** Inserts the entries that are not duplicates, with their signals and first transitions. */
export async function insertEntriesBulk(
  tx: WriteTx,
  actor: Actor,
  bank: Bank,
  entries: readonly NewEntry[],
  status: 'pending' | 'confirmed',
  reason: string,
  wantSignalIds: boolean,
): Promise<BulkResult> {
  const fresh = await withoutDuplicates(tx, bank, entries);
  const rows = fresh.map((e) => newEntryRow(tx, actor, e, status));
  const signalRows = fresh.flatMap((e, i) =>
    e.signals.map((s) => ({ entry_id: rows[i].id, bank_id: bank.id, ...s })),
  );
  const transitions = rows.map((r) => ({
    entry_id: r.id,
    at: tx.at,
    org_id: actor.orgId,
    key_id: actor.keyId,
    from_status: null,
    to_status: status,
    reason,
    until: null,
  }));

  for (const part of chunks(rows)) await tx.trx.insertInto('entries').values(part).execute();
  for (const part of chunks(signalRows)) await tx.trx.insertInto('signals').values(part).execute();
  for (const part of chunks(transitions)) {
    await tx.trx.insertInto('entry_transitions').values(part).execute();
  }
  const ids = rows.map((r) => r.id);
  const signals = wantSignalIds ? await insertedSignals(tx, ids) : [];
  return { inserted: rows.length, duplicates: entries.length - fresh.length, signals };
}

/** Drops entries whose external id or any signal is already taken (in the bank or the batch). */
async function withoutDuplicates(tx: WriteTx, bank: Bank, entries: readonly NewEntry[]) {
  const takenIds = new Set<string>();
  const takenSignals = new Set<string>();
  for (const [source, ext] of externalIdsBySource(entries)) {
    for (const part of chunks(ext)) {
      // (bank_id, source, external_id) is the index: without the source pinned, SQLite walks
      // every entry of the bank per statement, and imports slowed as the bank grew.
      const rows = await tx.trx
        .selectFrom('entries')
        .select(['source', 'external_id'])
        .where('bank_id', '=', bank.id)
        .where('source', '=', source)
        .where('external_id', 'in', part)
        .execute();
      for (const r of rows) takenIds.add(`${r.source}\u0000${r.external_id}`);
    }
  }
  for (const type of ['pdq', 'md5', 'sha1', 'sha256'] as const) {
    const values = [
      ...new Set(
        entries.flatMap((e) => e.signals.filter((s) => s.type === type).map((s) => s.value)),
      ),
    ];
    for (const part of chunks(values)) {
      // (bank_id, type, value) is the index: the type must be pinned for the IN to use it.
      const rows = await tx.trx
        .selectFrom('signals')
        .innerJoin('entries', 'entries.id', 'signals.entry_id')
        .select(['signals.value'])
        .where('signals.bank_id', '=', bank.id)
        .where('signals.type', '=', type)
        .where('signals.value', 'in', part)
        .where('entries.status', '!=', 'deleted')
        .execute();
      for (const r of rows) takenSignals.add(`${type}:${r.value}`);
    }
  }

  return entries.filter((e) => {
    const idKey = `${e.source}\u0000${e.externalId}`;
    const sigKeys = e.signals.map((s) => `${s.type}:${s.value}`);
    if (
      (e.externalId !== null && takenIds.has(idKey)) ||
      sigKeys.some((k) => takenSignals.has(k))
    ) {
      return false;
    }
    if (e.externalId !== null) takenIds.add(idKey);
    for (const k of sigKeys) takenSignals.add(k);
    return true;
  });
}

/** The entries' external ids grouped by source list (an import has one source). */
function externalIdsBySource(entries: readonly NewEntry[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of entries) {
    if (e.externalId === null) continue;
    const ids = out.get(e.source) ?? [];
    ids.push(e.externalId);
    out.set(e.source, ids);
  }
  return out;
}

async function insertedSignals(tx: WriteTx, entryIds: readonly string[]) {
  const out: { id: number; type: string; value: string }[] = [];
  for (const part of chunks(entryIds)) {
    const rows = await tx.trx
      .selectFrom('signals')
      .select(['id', 'type', 'value'])
      .where('entry_id', 'in', part)
      .execute();
    for (const r of rows) out.push({ id: Number(r.id), type: r.type, value: r.value });
  }
  return out;
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) {
    yield items.slice(i, i + ROWS_PER_STATEMENT);
  }
}
