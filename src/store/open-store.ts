/**
 * Opens the store: the embedded SQLite file `<dataDir>/khien.sqlite` by default, PostgreSQL when
 * a database URL is configured. Migrations run on open, so a store is always at the current
 * schema. Both dialects go through the same Kysely query code.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { KhienError } from '../errors/index.js';
import type { Database } from './database.js';
import { migrationProvider } from './migrations.js';

/** SQLite page cache ceiling per connection, in KiB (128 MiB: the signal index at 1M entries). */
const SQLITE_CACHE_KIB = 128 * 1024;

export type StoreDialect = 'sqlite' | 'postgres';

/** An open store. `close()` ends the pool or closes the file. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Where it lives, for messages: a file path or the URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly dataDir: string;
  /** postgres://…; empty or absent for SQLite. */
  readonly databaseUrl?: string;
  /** PostgreSQL only: the schema to work in (created if missing); tests isolate with it. */
  readonly pgSchema?: string;
  /** PostgreSQL pool size (default 10). */
  readonly pgPoolSize?: number;
}

/** Opens and migrates the store the options name. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? await openPostgres(options) : openSqlite(options.dataDir);
  try {
    await migrate(store, options.databaseUrl ? (options.pgSchema ?? 'public') : undefined);
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}

function openSqlite(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'khien.sqlite');
  const file = new SqliteDatabase(path);
  // WAL lets readers run beside the writer; FULL makes each commit durable before it returns,
  // which is what "an import loses nothing it reported as committed" rests on.
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = FULL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 10000');
  // The default page cache (2 MiB) holds a tiny part of the signal index once a bank grows past
  // ~100k entries: every insert of a random PDQ value then reads its index leaf back through the
  // WAL, and bulk imports slowed tenfold as the file grew. The cache is allocated as used: a
  // ceiling, not a reservation. (No mmap: with it the server's RSS counted the whole file,
  // 1.4 GiB at 1M entries, and its page faults landed on the event loop.)
  file.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  file.pragma('temp_store = MEMORY');
  cachePreparedStatements(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  return { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
}

/** Prepared statements kept per SQLite connection, by SQL text. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew; compiling the SQL cost more than running it
 * for the small queries of matching and imports. Statements are kept by their text (values are
 * bound, never part of it), the least recently used dropped first; one being iterated is never
 * handed out twice.
 */
function cachePreparedStatements(file: SqliteDatabase.Database): void {
  const prepare = file.prepare.bind(file);
  const cache = new Map<string, SqliteDatabase.Statement>();
  file.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const stmt = prepare(source);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(source, stmt);
    return stmt;
  }) as typeof file.prepare;
}

// int8 (counts, sums, bigint columns) as JS numbers: every value Khiên keeps fits in 2^53.
const PG_TYPES = {
  getTypeParser: (oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
};

async function openPostgres(options: StoreOptions): Promise<Store> {
  const schema = options.pgSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', `bad PostgreSQL schema name ${schema}`);
  }
  if (schema) await createSchema(options.databaseUrl!, schema);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.pgPoolSize ?? 10,
    types: PG_TYPES as never,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    location: redact(options.databaseUrl!),
    close: () => db.destroy(),
  };
}

async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}

/** `schema`: PostgreSQL only; Kysely must be told it, or a migration table in any other schema
 *  of the database makes it think this one is migrated. */
async function migrate(store: Store, schema: string | undefined): Promise<void> {
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    throw new KhienError(
      'KHIEN_ERR_STORE_UNAVAILABLE',
      `cannot migrate the store at ${store.location}: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
