// The store suite, run on SQLite and PostgreSQL alike: migrations are idempotent, foreign keys
// hold, concurrent writers keep the audit chain intact, reads inside a write transaction do not
// deadlock the single SQLite connection, a second process's changes reach the match engine,
// verdicts of an older rule-set version are re-derived on start, and ids and counters past
// 2^31 round-trip as numbers (64-bit columns on both dialects; PostgreSQL stores made before
// that migration upgrade). Opening a store that is missing, not a directory or not a database
// is a coded error naming the path.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { POSTGRES, PG_URL, STORE_KINDS, type TestStore } from './store-factory.js';
import { makeWorld, randomPdq, SEXUAL_FACTS, testConfig, type World } from './service-world.js';
import { openStore } from '../src/store/open-store.js';
import { inWriteTransaction } from '../src/service/write-transaction.js';
import { verifyAuditChain } from '../src/service/audit-queries.js';
import { toHttpError } from '../src/server/http-error.js';
import { BankDirectory } from '../src/service/bank-directory.js';
import { KhienService } from '../src/service/khien-service.js';
import type { Entry } from '../src/service/types.js';
import { VERDICT_RULES_VERSION } from '../src/core/policy/verdict-rules.js';
import { migrationProvider } from '../src/store/migrations.js';
import { isKhienError } from '../src/errors/index.js';

/** Past the 32-bit `integer` ceiling (2^31 - 1): where PostgreSQL's `integer` columns stop. */
const PAST_INT32 = 2 ** 31 + 5;

for (const kind of STORE_KINDS) {
  describe(`store on ${kind.name}`, async () => {
    const skip = await kind.skip();
    if (skip) {
      test(`skipped: ${skip}`, { skip }, () => undefined);
      return;
    }
    let ts: TestStore;
    let w: World;
    before(async () => {
      ts = await kind.open();
      w = await makeWorld(ts.store);
    });
    after(async () => {
      await w.service.stop();
      await ts.cleanup();
    });

    test('foreign keys are enforced', async () => {
      const row = {
        id: 'k1',
        org_id: 'org_missing',
        name: 'x',
        secret_hash: 'x',
        roles: 'admin',
        created_at: 'now',
        expires_at: null,
        revoked_at: null,
      };
      await assert.rejects(ts.store.db.insertInto('api_keys').values(row).execute());
    });

    test('fifty concurrent writers append a gapless, valid audit chain', async () => {
      const before = await verifyAuditChain(ts.store.db);
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          inWriteTransaction(ts.store, new Date().toISOString(), async (tx) => {
            tx.audit({ actor: w.admin, action: 'test.concurrent', subject: String(i) });
            tx.audit({ actor: w.admin, action: 'test.concurrent', subject: `${i}b` });
          }),
        ),
      );
      const after = await verifyAuditChain(ts.store.db);
      assert.deepEqual([after.ok, after.rows], [true, before.rows + 100]);
    });

    test('a bank read inside a write transaction does not wait on the store', async () => {
      const dir = new BankDirectory(ts.store.db, 0);
      const bank = await inWriteTransaction(ts.store, new Date().toISOString(), (tx) =>
        dir.get(w.bank.id, tx.trx),
      );
      assert.equal(bank.name, 'national');
    });

    test("another process's confirmation reaches this engine on sync", async () => {
      const other = new KhienService({ store: ts.store, config: testConfig(), matchEngine: false });
      const pdq = randomPdq();
      const e = await confirmedEntry(other, w, pdq);
      const query = { signals: [{ type: 'pdq' as const, value: pdq }] };
      assert.equal((await w.service.match(w.platform, query)).results[0].matches.length, 0);
      await w.service.syncNow();
      assert.equal((await w.service.match(w.platform, query)).results[0].matches.length, 1);
      await other.deleteEntry(w.authority, e.id, { reason: 'gone' });
      await w.service.syncNow();
      assert.equal((await w.service.match(w.platform, query)).results[0].matches.length, 0);
    });

    test('a failed sync does not stop later ones; a failed engine update does not fail the write', async () => {
      const engine = (w.service as unknown as { ctx: { engine: { add: (s: unknown) => void } } })
        .ctx.engine;
      const realAdd = engine.add.bind(engine);
      let failures = 0;
      const failOnce = () => {
        engine.add = () => {
          engine.add = realAdd;
          failures += 1;
          throw new RangeError('the index refused the signal');
        };
      };
      const other = new KhienService({ store: ts.store, config: testConfig(), matchEngine: false });
      const pdq = randomPdq();
      const query = { signals: [{ type: 'pdq' as const, value: pdq }] };
      await confirmedEntry(other, w, pdq);
      failOnce();
      await assert.rejects(w.service.syncNow(), /the index refused the signal/);
      await w.service.syncNow(); // chained after the failed run, it must still run
      assert.equal((await w.service.match(w.platform, query)).results[0].matches.length, 1);

      // This process's own confirmation: committed, so answered as done even if the engine
      // update after the commit throws; the sync brings the engine up to date.
      const pdq2 = randomPdq();
      const e2 = await w.service.contribute(w.authority, {
        bankId: w.bank.id,
        signals: [{ type: 'pdq', value: pdq2, quality: 90 }],
        facts: SEXUAL_FACTS,
      });
      await w.service.review(w.hotline, e2.id, { decision: 'confirm' });
      failOnce();
      const done = await w.service.review(w.ngo, e2.id, { decision: 'confirm' });
      assert.equal(done.status, 'confirmed');
      assert.equal(failures, 2);
      await w.service.syncNow();
      const query2 = { signals: [{ type: 'pdq' as const, value: pdq2 }] };
      assert.equal((await w.service.match(w.platform, query2)).results[0].matches.length, 1);
    });

    if (kind.name === 'postgres') {
      test('the signal id sequence stops where the match index does (2^32 - 1)', async () => {
        const max = await sql<{ max: string }>`
          select s.max_value::text as max from pg_sequences s
          where s.schemaname || '.' || s.sequencename = pg_get_serial_sequence('signals', 'id')`.execute(
          ts.store.db,
        );
        assert.deepEqual(
          max.rows.map((r) => r.max),
          ['4294967295'],
        );
      });

      test('an entry past the signal id ceiling is refused whole, as KHIEN_ERR_CAPACITY_REACHED', async () => {
        const db = ts.store.db;
        const entries = async () =>
          Number(
            (await sql<{ n: string }>`select count(*) as n from entries`.execute(db)).rows[0].n,
          );
        const before = await entries();
        await setSignalSequence(ts, 4294967295);
        try {
          const refused = await w.service
            .contribute(w.authority, {
              bankId: w.bank.id,
              signals: [{ type: 'pdq', value: randomPdq(), quality: 90 }],
              facts: SEXUAL_FACTS,
            })
            .then(
              () => assert.fail('the insert past the ceiling was accepted'),
              (err: unknown) => toHttpError(err),
            );
          assert.deepEqual(
            [refused.code, refused.status, refused.message],
            [
              'KHIEN_ERR_CAPACITY_REACHED',
              507,
              'the store reached its ceiling of 4,294,967,295 signal ids; nothing was written',
            ],
          );
          assert.equal(await entries(), before, 'the entry row was rolled back with the signal');
        } finally {
          const top = await sql<{ m: string | null }>`select max(id) as m from signals`.execute(db);
          await setSignalSequence(ts, Number(top.rows[0].m ?? 1));
        }
      });
    }

    test('start re-derives verdicts of an older rule-set version and loads confirmed signals', async () => {
      const pdq = randomPdq();
      const e = await confirmedEntry(w.service, w, pdq);
      await sql`update entries set verdicts = '{}', verdict_version = 'old' where id = ${e.id}`.execute(
        ts.store.db,
      );
      const fresh = new KhienService({ store: ts.store, config: testConfig() });
      assert.equal(fresh.health().ready, false);
      await assert.rejects(fresh.match(w.platform, { signals: [{ type: 'pdq', value: pdq }] }), {
        code: 'KHIEN_ERR_NOT_READY',
      });
      await fresh.start({ background: false });
      assert.equal(fresh.health().ready, true);
      assert.ok(fresh.health().indexedSignals >= 1);
      const got = await fresh.getEntry(w.authority, e.id);
      assert.equal(got.verdicts.ruleSetVersion, VERDICT_RULES_VERSION);
      assert.equal(got.verdicts.byJurisdiction.ncmec.category, 'A1');
      const m = await fresh.match(w.platform, { signals: [{ type: 'pdq', value: pdq }] });
      assert.equal(m.results[0].matches[0].entryId, e.id);
      await fresh.stop();
    });

    test('audit seqs, signal ids and match records past 2^31 round-trip as numbers', async () => {
      const big = await kind.open();
      const bw = await makeWorld(big.store);
      try {
        const db = big.store.db;
        await db.updateTable('audit_head').set({ seq: PAST_INT32 }).where('id', '=', 1).execute();
        await setSignalSequence(big, PAST_INT32 + 10);
        const pdq = randomPdq();
        const e = await confirmedEntry(bw.service, bw, pdq);
        const m = await bw.service.match(bw.platform, { signals: [{ type: 'pdq', value: pdq }] });
        assert.equal(m.results[0].matches[0].entryId, e.id);

        const signal = await db
          .selectFrom('signals')
          .select('id')
          .where('entry_id', '=', e.id)
          .executeTakeFirstOrThrow();
        assert.strictEqual(signal.id, PAST_INT32 + 11);
        const event = await db
          .selectFrom('match_events')
          .select('signal_id')
          .where('entry_id', '=', e.id)
          .executeTakeFirstOrThrow();
        assert.strictEqual(event.signal_id, PAST_INT32 + 11);
        const head = await db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
        assert.equal(typeof head.seq, 'number');
        assert.ok(head.seq > PAST_INT32 + 3, String(head.seq));
        const audit = await bw.service.queryAudit(bw.auditor, { afterSeq: PAST_INT32 });
        assert.deepEqual(
          audit.records.map((r) => r.seq),
          Array.from({ length: head.seq - PAST_INT32 }, (_, i) => PAST_INT32 + 1 + i),
        );
      } finally {
        await bw.service.stop();
        await big.cleanup();
      }
    });
  });
}

/** Runs `fn` in a new, empty PostgreSQL schema, dropped afterwards; `admin` is outside it. */
async function inEmptySchema(fn: (schema: string, admin: pg.Client) => Promise<void>) {
  const schema = `khien_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    await fn(schema, admin);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

/** A new entry of one PDQ signal in the world's bank, confirmed by two other organisations. */
async function confirmedEntry(service: KhienService, w: World, pdq: string): Promise<Entry> {
  const e = await service.contribute(w.authority, {
    bankId: w.bank.id,
    signals: [{ type: 'pdq', value: pdq, quality: 90 }],
    facts: SEXUAL_FACTS,
  });
  await service.review(w.hotline, e.id, { decision: 'confirm' });
  return service.review(w.ngo, e.id, { decision: 'confirm' });
}

/** Makes the next signal id `next + 1` (PostgreSQL's sequence, SQLite's AUTOINCREMENT row). */
async function setSignalSequence(ts: TestStore, next: number): Promise<void> {
  if (ts.store.dialect === 'postgres') {
    await sql`select setval(pg_get_serial_sequence('signals', 'id'), ${next})`.execute(ts.store.db);
  } else {
    await sql`delete from sqlite_sequence where name = 'signals'`.execute(ts.store.db);
    await sql`insert into sqlite_sequence (name, seq) values ('signals', ${next})`.execute(
      ts.store.db,
    );
  }
}

/** Columns that grow with traffic or with the banks: 64-bit on PostgreSQL (migration 0002). */
const PG_BIGINT_COLUMNS = [
  'audit_log.seq',
  'audit_head.seq',
  'signals.id',
  'entry_transitions.id',
  'match_events.signal_id',
  'match_counters.queries',
  'match_counters.hits',
  'import_jobs.bytes_done',
  'import_jobs.lines_done',
  'import_jobs.committed',
];

async function pgColumnTypes(db: Kysely<unknown>): Promise<Record<string, string>> {
  const cols = await sql<{ name: string; data_type: string }>`
    select table_name || '.' || column_name as name, data_type from information_schema.columns
    where table_schema = current_schema()`.execute(db);
  const seqs = await sql<{ name: string; data_type: string }>`
    select sequence_name as name, data_type from information_schema.sequences
    where sequence_schema = current_schema()`.execute(db);
  return Object.fromEntries([...cols.rows, ...seqs.rows].map((r) => [r.name, r.data_type]));
}

function assertBigint(types: Record<string, string>): void {
  for (const name of [...PG_BIGINT_COLUMNS, 'signals_id_seq', 'entry_transitions_id_seq']) {
    assert.equal(types[name], 'bigint', name);
  }
}

test('PostgreSQL: ids and counters are bigint, read as numbers; int8 past 2^53 is refused', async (t) => {
  const skip = await POSTGRES.skip();
  if (skip) return t.skip(skip);
  const ts = await POSTGRES.open();
  try {
    assertBigint(await pgColumnTypes(ts.store.db as Kysely<unknown>));
    const safe = await sql<{ n: unknown }>`select ${String(2 ** 53 - 1)}::bigint as n`.execute(
      ts.store.db,
    );
    assert.strictEqual(safe.rows[0].n, Number.MAX_SAFE_INTEGER);
    await assert.rejects(
      sql`select 9007199254740993::bigint as n`.execute(ts.store.db),
      (err) => isKhienError(err, 'KHIEN_ERR_INTERNAL') && /9007199254740993/.test(err.message),
    );
  } finally {
    await ts.cleanup();
  }
});

test('PostgreSQL: a store made by the first migration upgrades to bigint and keeps its rows', async (t) => {
  const skip = await POSTGRES.skip();
  if (skip) return t.skip(skip);
  await inEmptySchema(async (schema) => {
    const pool = new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    const old = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      const migrator = new Migrator({
        db: old,
        provider: migrationProvider('postgres'),
        migrationTableSchema: schema,
      });
      assert.equal((await migrator.migrateTo('0001_initial')).error, undefined);
      await sql`update audit_head set seq = 41, hash = ${'a'.repeat(64)}`.execute(old);
      assert.equal((await pgColumnTypes(old))['audit_log.seq'], 'integer');

      const store = await openStore({ dataDir: '.', databaseUrl: PG_URL, pgSchema: schema });
      try {
        assertBigint(await pgColumnTypes(store.db as Kysely<unknown>));
        const head = await store.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
        assert.deepEqual(head, { id: 1, seq: 41, hash: 'a'.repeat(64) });
        await store.db.updateTable('audit_head').set({ seq: PAST_INT32 }).execute();
        const after = await store.db
          .selectFrom('audit_head')
          .select('seq')
          .executeTakeFirstOrThrow();
        assert.strictEqual(after.seq, PAST_INT32);
      } finally {
        await store.close();
      }
    } finally {
      await old.destroy();
    }
  });
});

test('SQLite: a data dir that is a file, or a file that is not a database, is STORE_UNAVAILABLE', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'khien-store-bad-'));
  try {
    const file = join(dir, 'c.json');
    writeFileSync(file, '{}');
    await assert.rejects(
      openStore({ dataDir: file }),
      (err) =>
        isKhienError(err, 'KHIEN_ERR_STORE_UNAVAILABLE') &&
        err.message ===
          `cannot open the SQLite store at ${join(file, 'khien.sqlite')}: ${file} is a file, not a directory`,
    );
    const corrupt = join(dir, 'corrupt');
    mkdirSync(corrupt);
    writeFileSync(join(corrupt, 'khien.sqlite'), randomBytes(8192));
    for (const create of [true, false]) {
      await assert.rejects(
        openStore({ dataDir: corrupt, create }),
        (err) =>
          isKhienError(err, 'KHIEN_ERR_STORE_UNAVAILABLE') &&
          err.message ===
            `cannot open the SQLite store at ${join(corrupt, 'khien.sqlite')}: ` +
              'the file is not a SQLite database (corrupt, or some other file)',
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('create: false refuses a data dir with no store and creates nothing there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'khien-store-none-'));
  try {
    const missing = join(dir, 'nowhere');
    await assert.rejects(
      openStore({ dataDir: missing, create: false }),
      (err) =>
        isKhienError(err, 'KHIEN_ERR_NOT_FOUND') &&
        err.message.startsWith(`no Khiên store at ${join(missing, 'khien.sqlite')}`) &&
        err.details.location === join(missing, 'khien.sqlite'),
    );
    assert.equal(existsSync(missing), false);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'khien.sqlite'), '');
    await assert.rejects(openStore({ dataDir: empty, create: false }), {
      code: 'KHIEN_ERR_NOT_FOUND',
    });
    const made = await openStore({ dataDir: join(dir, 'made') });
    await made.close();
    const again = await openStore({ dataDir: join(dir, 'made'), create: false });
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: create: false refuses a database with no store and creates no table', async (t) => {
  const skip = await POSTGRES.skip();
  if (skip) return t.skip(skip);
  await inEmptySchema(async (schema, admin) => {
    await assert.rejects(
      openStore({ dataDir: '.', databaseUrl: PG_URL, pgSchema: schema, create: false }),
      (err) => isKhienError(err, 'KHIEN_ERR_NOT_FOUND') && err.message.includes(schema),
    );
    const tables = await admin.query(
      'select count(*)::int as n from information_schema.tables where table_schema = $1',
      [schema],
    );
    assert.equal(tables.rows[0].n, 0);
  });
});

test('SQLite: WAL, foreign keys, and reopening an existing store migrates nothing twice', async () => {
  const ts = await STORE_KINDS[0].open();
  try {
    const dir = ts.store.location.replace(/\/khien\.sqlite$/, '');
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(ts.store.db);
    assert.equal(mode.rows[0].journal_mode, 'wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(ts.store.db);
    assert.equal(fk.rows[0].foreign_keys, 1);
    const again = await openStore({ dataDir: dir });
    const rows = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(
      again.db,
    );
    const migrations = await migrationProvider('sqlite').getMigrations();
    assert.equal(rows.rows[0].n, Object.keys(migrations).length);
    await again.close();
  } finally {
    await ts.cleanup();
  }
});
