/**
 * The store factory the shared store and service suites run on: a fresh SQLite file in a temp
 * directory, and a fresh PostgreSQL schema with a random name (dropped afterwards), since test
 * files run in parallel and other people test on the same server. PostgreSQL is skipped with a
 * message when it is down, unless KHIEN_REQUIRE_SERVICES=1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../src/store/open-store.js';

export const PG_URL =
  process.env.KHIEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  readonly store: Store;
  /** Closes the store and removes its file or schema. */
  cleanup(): Promise<void>;
}

export interface StoreKind {
  readonly name: 'sqlite' | 'postgres';
  /** A reason to skip, or null when usable. */
  skip(): Promise<string | null>;
  open(): Promise<TestStore>;
}

export const SQLITE: StoreKind = {
  name: 'sqlite',
  skip: async () => null,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'khien-store-'));
    const store = await openStore({ dataDir: dir });
    return {
      store,
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

let pgProbe: Promise<string | null> | undefined;

export const POSTGRES: StoreKind = {
  name: 'postgres',
  skip() {
    pgProbe ??= probePostgres();
    return pgProbe;
  },
  async open() {
    const schema = `khien_t_${randomBytes(6).toString('hex')}`;
    let store: Store;
    try {
      store = await openStore({
        dataDir: '.',
        databaseUrl: PG_URL,
        pgSchema: schema,
        pgPoolSize: 4,
      });
    } catch (err) {
      await dropSchema(schema); // a failed migration must not leave the schema behind
      throw err;
    }
    return {
      store,
      async cleanup() {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
};

export const STORE_KINDS: readonly StoreKind[] = [SQLITE, POSTGRES];

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    const why = `PostgreSQL not reachable at ${PG_URL}: ${(err as Error).message}`;
    if (process.env.KHIEN_REQUIRE_SERVICES === '1') throw new Error(why);
    return why;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
