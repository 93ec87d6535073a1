// The store suite, run on SQLite and PostgreSQL alike: migrations are idempotent, foreign keys
// hold, concurrent writers keep the audit chain intact, reads inside a write transaction do not
// deadlock the single SQLite connection, a second process's changes reach the match engine,
// and verdicts of an older rule-set version are re-derived on start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { STORE_KINDS, type TestStore } from './store-factory.js';
import { makeWorld, randomPdq, SEXUAL_FACTS, testConfig, type World } from './service-world.js';
import { openStore } from '../src/store/open-store.js';
import { inWriteTransaction } from '../src/service/write-transaction.js';
import { verifyAuditChain } from '../src/service/audit-queries.js';
import { BankDirectory } from '../src/service/bank-directory.js';
import { KhienService } from '../src/service/khien-service.js';
import { VERDICT_RULES_VERSION } from '../src/core/policy/verdict-rules.js';

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
      const e = await other.contribute(w.authority, {
        bankId: w.bank.id,
        signals: [{ type: 'pdq', value: pdq, quality: 90 }],
        facts: SEXUAL_FACTS,
      });
      await other.review(w.hotline, e.id, { decision: 'confirm' });
      await other.review(w.ngo, e.id, { decision: 'confirm' });
      const query = { signals: [{ type: 'pdq' as const, value: pdq }] };
      assert.equal((await w.service.match(w.platform, query)).results[0].matches.length, 0);
      await w.service.syncNow();
      assert.equal((await w.service.match(w.platform, query)).results[0].matches.length, 1);
      await other.deleteEntry(w.authority, e.id, { reason: 'gone' });
      await w.service.syncNow();
      assert.equal((await w.service.match(w.platform, query)).results[0].matches.length, 0);
    });

    test('start re-derives verdicts of an older rule-set version and loads confirmed signals', async () => {
      const pdq = randomPdq();
      const e = await w.service.contribute(w.authority, {
        bankId: w.bank.id,
        signals: [{ type: 'pdq', value: pdq, quality: 90 }],
        facts: SEXUAL_FACTS,
      });
      await w.service.review(w.hotline, e.id, { decision: 'confirm' });
      await w.service.review(w.ngo, e.id, { decision: 'confirm' });
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
  });
}

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
    assert.equal(rows.rows[0].n, 1);
    await again.close();
  } finally {
    await ts.cleanup();
  }
});
