/**
 * Opens the store: the embedded SQLite file `<dataDir>/khien.sqlite` by default, PostgreSQL when
 * a database URL is configured. Migrations run on open, so a store is always at the current
 * schema. Both dialects go through the same Kysely query code. A store that cannot be opened is
 * KHIEN_ERR_STORE_UNAVAILABLE naming where and why; with `create: false`, a store that does not
 * exist yet is KHIEN_ERR_NOT_FOUND and nothing is created.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { hidePasswords } from '../config/index.js';
import { KhienError, isKhienError } from '../errors/index.js';
import type { Database } from './database.js';
import { migrationProvider } from './migrations.js';

/** SQLite page cache ceiling per connection, in KiB (128 MiB: the signal index at 1M entries). */
const SQLITE_CACHE_KIB = 128 * 1024;

/** The SQLite file's name inside the data directory. */
export const SQLITE_FILE = 'khien.sqlite';

/** Kysely's migration table: its presence is what makes a database a Khiên store. */
const MIGRATION_TABLE = 'kysely_migration';

/** Which commands make a store where there is none, in the refusal's hint. */
const CREATORS = '`khien serve`, `khien admin bootstrap` or `khien import` creates one';

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
  /**
   * Create the store when there is none (the default: the server, bootstrap, import). False for
   * commands that only make sense on an existing store: they must not leave an empty database
   * behind a mistyped path and report on it as if it were the real one.
   */
  readonly create?: boolean;
  /** PostgreSQL only: the schema to work in (created if missing); tests isolate with it. */
  readonly pgSchema?: string;
  /** PostgreSQL pool size (default 10). */
  readonly pgPoolSize?: number;
}

/** Opens and migrates the store the options name. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const create = options.create ?? true;
  const schema = options.databaseUrl ? (options.pgSchema ?? 'public') : undefined;
  const store = options.databaseUrl
    ? await openPostgres(options, create)
    : openSqlite(options.dataDir, create);
  try {
    if (schema !== undefined && !create) await requirePostgresStore(store, schema);
    await migrate(store, schema);
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}

function openSqlite(dataDir: string, create: boolean): Store {
  const path = join(dataDir, SQLITE_FILE);
  let file: SqliteDatabase.Database | undefined;
  try {
    if (create) mkdirSync(dataDir, { recursive: true });
    else if (isMissing(path)) throw noStore(path, `there is no ${SQLITE_FILE} in ${dataDir}`);
    file = new SqliteDatabase(path, { fileMustExist: !create });
    // Checked before the pragmas below, which would write to a file that is not a store yet.
    if (!create && !hasSqliteSchema(file)) {
      throw noStore(path, 'the file holds no Khiên tables (an empty or foreign SQLite file)');
    }
    configureSqlite(file);
  } catch (err) {
    file?.close();
    if (isKhienError(err)) throw err;
    throw new KhienError(
      'KHIEN_ERR_STORE_UNAVAILABLE',
      `cannot open the SQLite store at ${path}: ${sqliteCause(err, dataDir)}`,
      { path },
      { cause: err },
    );
  }
  cachePreparedStatements(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  return { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
}

function configureSqlite(file: SqliteDatabase.Database): void {
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
}

function hasSqliteSchema(file: SqliteDatabase.Database): boolean {
  const row = file
    .prepare("select count(*) as n from sqlite_master where type = 'table' and name = ?")
    .get(MIGRATION_TABLE) as { n: number };
  return row.n > 0;
}

/** Causes from the file system and SQLite in words; their own messages name a syscall or code. */
const SQLITE_CAUSES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  SQLITE_NOTADB: 'the file is not a SQLite database (corrupt, or some other file)',
  SQLITE_CANTOPEN: 'SQLite cannot open the file (a directory? no permission?)',
};

/** Why SQLite could not be opened at `dataDir`, for the one-line message. */
function sqliteCause(err: unknown, dataDir: string): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return `${isFile(dataDir) ? dataDir : `a part of ${dataDir}`} is a file, not a directory`;
  }
  return SQLITE_CAUSES[code] ?? (err as Error).message;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** True when nothing is at `path`; other failures (ENOTDIR, EACCES) are thrown. */
function isMissing(path: string): boolean {
  try {
    statSync(path);
    return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

function noStore(location: string, why: string): KhienError {
  return new KhienError(
    'KHIEN_ERR_NOT_FOUND',
    `no Khiên store at ${location}: ${why}; ${CREATORS}`,
    { location },
  );
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

/**
 * int8 (bigint columns, counts) as JS numbers, so the code above the store sees one number type
 * on both dialects. Every value Khiên keeps stays far below 2^53 (an audit seq at 5,000 rows/s
 * takes 57,000 years), but a value past it is refused rather than silently rounded.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    throw new KhienError(
      'KHIEN_ERR_INTERNAL',
      `PostgreSQL returned the bigint ${text}, beyond 2^53 - 1 (the largest integer a JS number ` +
        'holds exactly); refusing to round it',
      { value: text },
    );
  }
  return n;
}

const PG_TYPES = {
  getTypeParser: (oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, format as 'text'),
};

async function openPostgres(options: StoreOptions, create: boolean): Promise<Store> {
  const schema = options.pgSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', `bad PostgreSQL schema name ${schema}`);
  }
  const location = hidePasswords(options.databaseUrl!);
  if (schema && create) await createSchema(options.databaseUrl!, schema, location);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.pgPoolSize ?? 10,
    types: PG_TYPES as never,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location, close: () => db.destroy() };
}

async function createSchema(url: string, schema: string, location: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (err) {
    throw unreachable(location, err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** KHIEN_ERR_NOT_FOUND unless `schema` holds the migration table (and so a Khiên store). */
async function requirePostgresStore(store: Store, schema: string): Promise<void> {
  let found: boolean;
  try {
    const r = await sql<{ n: number }>`select count(*) as n from information_schema.tables
      where table_schema = ${schema} and table_name = ${MIGRATION_TABLE}`.execute(store.db);
    found = Number(r.rows[0].n) > 0;
  } catch (err) {
    throw unreachable(store.location, err);
  }
  if (!found) throw noStore(store.location, `the schema ${schema} holds no Khiên tables`);
}

function unreachable(location: string, err: unknown): KhienError {
  return new KhienError(
    'KHIEN_ERR_STORE_UNAVAILABLE',
    `cannot reach the store at ${location}: ${(err as Error).message}`,
    {},
    { cause: err },
  );
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
