/**
 * Export of a bank as records, in entry id (creation) order, tombstones included so that
 * partners who imported the bank learn of deletions. Streams in pages; never holds the bank.
 */
import type { Kysely } from 'kysely';
import { FACTS_SCHEMA } from '../core/policy/facts.js';
import type { Database } from '../store/database.js';
import type { EntryStatus, ExportRecord, SignalType } from './types.js';

const PAGE = 1000;

/** Every entry of `bankId` as an export record. */
export async function* exportRecords(
  db: Kysely<Database>,
  bankId: string,
): AsyncGenerator<ExportRecord> {
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('entries')
      .selectAll()
      .where('bank_id', '=', bankId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return;
    const signals = await db
      .selectFrom('signals')
      .select(['entry_id', 'type', 'value', 'quality'])
      .where(
        'entry_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const deleted = r.status === 'deleted';
      yield {
        id: r.id,
        bankId: r.bank_id,
        status: r.status as EntryStatus,
        signals: signals
          .filter((s) => s.entry_id === r.id)
          .map((s) => ({
            type: s.type as SignalType,
            value: s.value,
            ...(s.quality === null ? {} : { quality: s.quality }),
          })),
        facts: deleted ? null : FACTS_SCHEMA.parse(JSON.parse(r.facts)),
        provenance: {
          orgId: r.contributor_org_id,
          keyId: r.contributor_key_id,
          source: r.source,
          externalId: r.external_id,
          createdAt: r.created_at,
        },
        confirmations: Number(r.confirmations),
        deletedAt: r.deleted_at,
        updatedAt: r.updated_at,
      };
    }
    after = rows[rows.length - 1].id;
  }
}
