/**
 * The schema, as an ordered list of migrations run by Kysely's Migrator from code (no files to
 * ship). Column types are the few both dialects share; the dialect differences are how an
 * auto-numbered integer key is spelled and how wide an integer is (SQLite's are all 64-bit,
 * PostgreSQL's `integer` is 32). A shipped migration is never edited: stores already made by it
 * upgrade only through the migrations after it.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { StoreDialect } from './open-store.js';

type Db = Kysely<unknown>;

/** The migrations for one dialect, keyed so that they sort in the order they must run. */
export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  return {
    getMigrations: async (): Promise<Record<string, Migration>> => ({
      '0001_initial': { up: (db) => initial(db, dialect) },
      '0002_bigint_ids': { up: (db) => (dialect === 'postgres' ? widenIds(db) : noChange()) },
      '0003_signal_id_ceiling': {
        up: (db) => (dialect === 'postgres' ? capSignalIds(db) : noChange()),
      },
    }),
  };
}

async function initial(db: Db, dialect: StoreDialect): Promise<void> {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('banks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('pdq_max_distance', 'integer', (c) => c.notNull())
    .addColumn('min_quality', 'integer', (c) => c.notNull())
    .addColumn('dihedral', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('bank_access')
    .addColumn('bank_id', 'text', (c) => c.notNull().references('banks.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('access', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bank_access_pk', ['bank_id', 'org_id', 'access'])
    .execute();
  await db.schema.createIndex('bank_access_org').on('bank_access').column('org_id').execute();

  await createEntryTables(db, dialect);
  await createAuditTables(db);
  await createMatchAndImportTables(db, big);
}

async function createEntryTables(db: Db, dialect: StoreDialect): Promise<void> {
  // PostgreSQL's serial numbers itself; SQLite needs AUTOINCREMENT so ids are never reused.
  const serial = dialect === 'postgres' ? sql`serial` : sql`integer`;
  const auto = <C extends { primaryKey(): C; autoIncrement(): C }>(c: C) =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  await db.schema
    .createTable('entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bank_id', 'text', (c) => c.notNull().references('banks.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('contributor_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('contributor_key_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('confirmations', 'integer', (c) => c.notNull())
    .addColumn('verdicts', 'text', (c) => c.notNull())
    .addColumn('verdict_version', 'text', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('disabled_until', 'text')
    .addColumn('deleted_at', 'text')
    .execute();
  await db.schema
    .createIndex('entries_bank_status')
    .on('entries')
    .columns(['bank_id', 'status', 'id'])
    .execute();
  // An imported row is identified by its list and external id: re-importing cannot duplicate it.
  await db.schema
    .createIndex('entries_external')
    .on('entries')
    .columns(['bank_id', 'source', 'external_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('entries_verdict_version')
    .on('entries')
    .column('verdict_version')
    .execute();

  await db.schema
    .createTable('signals')
    .addColumn('id', serial, auto)
    .addColumn('entry_id', 'text', (c) => c.notNull().references('entries.id'))
    .addColumn('bank_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('quality', 'integer')
    .execute();
  await db.schema.createIndex('signals_entry').on('signals').column('entry_id').execute();
  await db.schema
    .createIndex('signals_bank_value')
    .on('signals')
    .columns(['bank_id', 'type', 'value'])
    .execute();

  await db.schema
    .createTable('entry_transitions')
    .addColumn('id', serial, auto)
    .addColumn('entry_id', 'text', (c) => c.notNull().references('entries.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('until', 'text')
    .execute();
  await db.schema
    .createIndex('entry_transitions_entry')
    .on('entry_transitions')
    .column('entry_id')
    .execute();

  await db.schema
    .createTable('reviews')
    .addColumn('entry_id', 'text', (c) => c.notNull().references('entries.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reviews_pk', ['entry_id', 'org_id'])
    .execute();
}

async function createAuditTables(db: Db): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text')
    .addColumn('key_id', 'text')
    .addColumn('request_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_org').on('audit_log').columns(['org_id', 'seq']).execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('audit_head' as never)
    .values({ id: 1, seq: 0, hash: '0'.repeat(64) } as never)
    .execute();
}

async function createMatchAndImportTables(db: Db, big: 'bigint' | 'integer'): Promise<void> {
  await db.schema
    .createTable('match_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('bank_id', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('signal_id', 'integer', (c) => c.notNull())
    .addColumn('signal_type', 'text', (c) => c.notNull())
    .addColumn('distance', 'integer', (c) => c.notNull())
    .addColumn('feedback', 'text')
    .execute();

  await db.schema
    .createTable('match_counters')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('bank_id', 'text', (c) => c.notNull())
    .addColumn('queries', big, (c) => c.notNull())
    .addColumn('hits', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('match_counters_pk', ['day', 'org_id', 'bank_id'])
    .execute();

  await db.schema
    .createTable('import_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bank_id', 'text', (c) => c.notNull().references('banks.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('as_confirmed', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('bytes_done', big, (c) => c.notNull())
    .addColumn('lines_done', big, (c) => c.notNull())
    .addColumn('committed', big, (c) => c.notNull())
    .addColumn('rejected', big, (c) => c.notNull())
    .addColumn('duplicates', big, (c) => c.notNull())
    .addColumn('rejections', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

/** SQLite: its INTEGER already holds 64 bits; the migration exists so both lists are the same. */
async function noChange(): Promise<void> {}

/**
 * Ids and counters that grow with traffic or with the banks, 32-bit in 0001 on PostgreSQL: every
 * match request appends an audit row, so at 5,000 requests/s `audit_log.seq` would pass
 * 2^31 - 1 in five days. `match_events.signal_id` holds a `signals.id`. (match_counters and
 * import_jobs were bigint from the start; the PostgreSQL driver reads bigint as a number.)
 */
const WIDENED: readonly (readonly [table: string, column: string])[] = [
  ['audit_log', 'seq'],
  ['audit_head', 'seq'],
  ['signals', 'id'],
  ['entry_transitions', 'id'],
  ['match_events', 'signal_id'],
];

/** The `serial` columns among them: their sequences were made `as integer` too. */
const SERIALS = ['signals', 'entry_transitions'] as const;

/**
 * PostgreSQL: each ALTER rewrites its table under an exclusive lock, so on a large store this
 * migration takes a while (time in proportion to the rows) and the store waits for it.
 */
async function widenIds(db: Db): Promise<void> {
  for (const [table, column] of WIDENED) {
    await db.schema
      .alterTable(table)
      .alterColumn(column, (c) => c.setDataType('bigint'))
      .execute();
  }
  for (const table of SERIALS) {
    // The column's type does not move its sequence, which would still stop at 2^31 - 1.
    const found = await sql<{ name: string }>`
      select pg_get_serial_sequence(${table}, 'id') as name`.execute(db);
    await sql`alter sequence ${sql.raw(found.rows[0].name)} as bigint`.execute(db);
  }
}

/**
 * The match index holds signal ids in 32-bit words. A signal id past 2^32 - 1 could be stored
 * but never indexed: the confirmation would commit and the index refuse it, so the entry would
 * never match. The sequence stops there instead, and an insert past it fails inside its own
 * transaction, before anything is committed. (SQLite's rowids grow by one from the largest, so
 * they reach it only by hand.)
 */
async function capSignalIds(db: Db): Promise<void> {
  // MAX_INDEX_ID of src/core/index, written out: a shipped migration must not move with code.
  const found = await sql<{ name: string }>`
    select pg_get_serial_sequence('signals', 'id') as name`.execute(db);
  const sequence = sql.raw(found.rows[0].name);
  await sql`alter sequence ${sequence} maxvalue 4294967295`.execute(db);
}
