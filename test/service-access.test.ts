// Parties, keys, allow-lists, image contribution, statistics and the audit chain, on SQLite
// and PostgreSQL: keys that expire or are revoked stop working, an allow-list match suppresses
// positive matches, and editing or deleting an audit row is detected at that row.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { STORE_KINDS, type TestStore } from './store-factory.js';
import { flipBits, makeWorld, randomPdq, SEXUAL_FACTS, type World } from './service-world.js';
import type { HashImage } from '../src/service/image-hashing.js';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string }) => {
    assert.equal(err.code, code);
    return true;
  });
}

/** A stand-in hasher: PDQ from the bytes' SHA-256, digests real; variants distinct. */
const IMAGE_PDQ = randomPdq();
const stubHasher: HashImage = async (image, opts) => {
  const hex = (alg: string) => createHash(alg).update(image).digest('hex');
  const variants = Array.from({ length: 8 }, (_, i) => (i === 3 ? IMAGE_PDQ : randomPdq()));
  return {
    pdq: opts.dihedral ? variants[0] : IMAGE_PDQ,
    quality: 100,
    md5: hex('md5'),
    sha1: hex('sha1'),
    sha256: hex('sha256'),
    ...(opts.dihedral ? { dihedral: variants } : {}),
  };
};

for (const kind of STORE_KINDS) {
  describe(`service access and audit on ${kind.name}`, async () => {
    const skip = await kind.skip();
    if (skip) {
      test(`skipped: ${skip}`, { skip }, () => undefined);
      return;
    }
    let ts: TestStore;
    let w: World;
    before(async () => {
      ts = await kind.open();
      w = await makeWorld(ts.store, { hashImage: stubHasher });
    });
    after(async () => {
      await w.service.stop();
      await ts.cleanup();
    });

    const confirmed = async (bankId: string, pdq: string) => {
      const e = await w.service.contribute(w.authority, {
        bankId,
        signals: [{ type: 'pdq', value: pdq, quality: 80 }],
        facts: SEXUAL_FACTS,
      });
      await w.service.review(w.hotline, e.id, { decision: 'confirm' });
      return w.service.review(w.ngo, e.id, { decision: 'confirm' });
    };

    test('bootstrap refuses a second time; keys expire and are revoked', async () => {
      await rejectsWith(
        w.service.bootstrap({ orgName: 'again' }),
        'KHIEN_ERR_ALREADY_BOOTSTRAPPED',
      );
      await rejectsWith(w.service.authenticate('khien_nope', 'r'), 'KHIEN_ERR_UNAUTHENTICATED');
      const made = await w.service.createKey(w.admin, {
        orgId: w.orgs.platform,
        roles: ['matcher'],
      });
      const actor = await w.service.authenticate(made.key, 'r1');
      assert.deepEqual(actor.roles, ['matcher']);
      const forged = made.key.slice(0, -1) + (made.key.endsWith('a') ? 'b' : 'a');
      await rejectsWith(w.service.authenticate(forged, 'r'), 'KHIEN_ERR_UNAUTHENTICATED');
      await w.service.revokeKey(w.admin, made.info.id);
      await rejectsWith(w.service.authenticate(made.key, 'r2'), 'KHIEN_ERR_KEY_REVOKED');

      await assert.rejects(
        w.service.createKey(w.admin, {
          orgId: w.orgs.platform,
          roles: ['matcher'],
          expiresAt: '2020-01-01T00:00:00Z',
        }),
        (err: { code?: string; message?: string }) =>
          err.code === 'KHIEN_ERR_INVALID_ARGUMENT' &&
          err.message!.startsWith('expiresAt must lie in the future, got 2020-01-01T00:00:00.000Z'),
      );
      for (const expiresAt of ['+275760-09-13T00:00:00Z', '2099-02-30T00:00:00Z', '2099-04-31']) {
        await rejectsWith(
          w.service.createKey(w.admin, { orgId: w.orgs.platform, roles: ['matcher'], expiresAt }),
          'KHIEN_ERR_INVALID_ARGUMENT',
        );
      }
      // A time without an offset is UTC, whatever the machine's zone.
      const noOffset = await w.service.createKey(w.admin, {
        orgId: w.orgs.platform,
        roles: ['matcher'],
        expiresAt: '2099-01-01T07:30:00',
      });
      assert.equal(noOffset.info.expiresAt, '2099-01-01T07:30:00.000Z');
      const leap = await w.service.createKey(w.admin, {
        orgId: w.orgs.platform,
        roles: ['matcher'],
        expiresAt: '2096-02-29T00:00:00+07:00',
      });
      assert.equal(leap.info.expiresAt, '2096-02-28T17:00:00.000Z');
      const soon = await w.service.createKey(w.admin, {
        orgId: w.orgs.platform,
        roles: ['matcher'],
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      });
      await w.service.authenticate(soon.key, 'r3');
      w.advance(61_000);
      try {
        await rejectsWith(w.service.authenticate(soon.key, 'r4'), 'KHIEN_ERR_KEY_EXPIRED');
      } finally {
        w.advance(-61_000);
      }
      // The last admin key without an expiry cannot be revoked: no one could manage keys after
      // it. An admin key that expires does not count, as it would leave the same lockout.
      const second = await w.service.createKey(w.admin, {
        orgId: w.orgs.authority,
        roles: ['admin'],
      });
      await w.service.revokeKey(w.admin, second.info.id);
      await rejectsWith(w.service.revokeKey(w.admin, w.admin.keyId), 'KHIEN_ERR_LAST_ADMIN_KEY');
      const expiring = await w.service.createKey(w.admin, {
        orgId: w.orgs.authority,
        roles: ['admin'],
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      });
      const byExpiring = await w.service.authenticate(expiring.key, 'r-exp');
      await rejectsWith(w.service.revokeKey(byExpiring, w.admin.keyId), 'KHIEN_ERR_LAST_ADMIN_KEY');
      await w.service.revokeKey(w.admin, expiring.info.id);
      const listed = await w.service.listKeys(w.admin, { orgId: w.orgs.platform });
      assert.ok(listed.every((k) => !JSON.stringify(k).includes(made.key.split('_')[2])));
      await rejectsWith(
        w.service.createKey(w.platform, { orgId: w.orgs.platform, roles: ['admin'] }),
        'KHIEN_ERR_ROLE_MISSING',
      );
      await rejectsWith(
        w.service.createOrganisation(w.admin, { name: 'ngo', kind: 'ngo' }),
        'KHIEN_ERR_ALREADY_EXISTS',
      );
      // Case and Unicode composition do not make a new name; accents do.
      for (const name of [
        'NGO',
        'bộ công an'.normalize('NFD'),
        'BỘ CÔNG AN',
        'Ｎｇｏ', // fullwidth
        'ngo\u200b', // a zero-width space
        'Bộ  Công an', // two spaces
      ]) {
        await rejectsWith(
          w.service.createOrganisation(w.admin, { name, kind: 'ngo' }),
          'KHIEN_ERR_ALREADY_EXISTS',
        );
      }
      const other = await w.service.createOrganisation(w.admin, {
        name: 'Bo Cong an',
        kind: 'ngo',
      });
      assert.equal(other.name, 'Bo Cong an');
      await w.service.createOrganisation(w.admin, { name: 'Straße', kind: 'ngo' });
      for (const name of ['STRASSE', 'STRAẞE', 'Stra\u202Eße']) {
        await rejectsWith(
          w.service.createOrganisation(w.admin, { name, kind: 'ngo' }),
          'KHIEN_ERR_ALREADY_EXISTS',
        );
      }
      await rejectsWith(
        w.service.createOrganisation(w.admin, { name: '\u200b\u2066', kind: 'ngo' }),
        'KHIEN_ERR_INVALID_ARGUMENT',
      );
      await rejectsWith(
        w.service.createBank(w.authority, { name: w.bank.name.toUpperCase() }),
        'KHIEN_ERR_ALREADY_EXISTS',
      );
    });

    test('an allow-list match suppresses positive matches of the same query', async () => {
      const allow = await w.service.createBank(w.authority, {
        name: 'known benign',
        kind: 'allow',
        matchers: [w.orgs.platform],
        viewers: [w.orgs.hotline, w.orgs.ngo],
      });
      const pdq = randomPdq();
      await confirmed(w.bank.id, pdq);
      const before = await w.service.match(w.platform, { signals: [{ type: 'pdq', value: pdq }] });
      assert.equal(before.results[0].matches.length, 1);
      await confirmed(allow.id, flipBits(pdq, 4));
      const res = await w.service.match(w.platform, { signals: [{ type: 'pdq', value: pdq }] });
      assert.deepEqual(
        [res.results[0].matches.length, res.results[0].allowListed, res.results[0].suppressed],
        [0, true, 1],
      );
    });

    test('bank policy: a tighter distance and no dihedral hits', async () => {
      const strict = await w.service.createBank(w.authority, {
        name: 'strict',
        matchers: [w.orgs.platform],
        viewers: [w.orgs.hotline, w.orgs.ngo],
        policy: { pdqMaxDistance: 8, dihedral: false, minQuality: 70 },
      });
      const pdq = randomPdq();
      await confirmed(strict.id, pdq);
      const m = (v: string) =>
        w.service.match(w.platform, { signals: [{ type: 'pdq', value: v }] });
      assert.equal((await m(flipBits(pdq, 8))).results[0].matches.length, 1);
      assert.equal((await m(flipBits(pdq, 9))).results[0].matches.length, 0);
      await rejectsWith(
        w.service.updateBank(w.hotline, strict.id, { policy: { pdqMaxDistance: 99 } }),
        'KHIEN_ERR_ROLE_MISSING',
      );
      await rejectsWith(
        w.service.updateBank(w.authority, strict.id, { policy: { pdqMaxDistance: 99 } }),
        'KHIEN_ERR_INVALID_ARGUMENT',
      );
      const wider = await w.service.updateBank(w.authority, strict.id, {
        policy: { pdqMaxDistance: 20 },
      });
      assert.equal(wider.policy.pdqMaxDistance, 20);
      assert.equal((await m(flipBits(pdq, 9))).results[0].matches.length, 1);
    });

    test('contribute and match by image: digests and the dihedral variant', async () => {
      const image = Buffer.from('not really an image, the hasher is a stub');
      const e = await w.service.contributeImage(w.authority, {
        bankId: w.bank.id,
        image,
        facts: SEXUAL_FACTS,
      });
      assert.deepEqual(
        e.signals.map((s) => s.type),
        ['pdq', 'md5', 'sha1', 'sha256'],
      );
      await w.service.review(w.hotline, e.id, { decision: 'confirm' });
      await w.service.review(w.ngo, e.id, { decision: 'confirm' });
      const res = await w.service.matchImage(w.platform, { image });
      const byType = Object.fromEntries(res.results.map((r) => [r.type, r.matches]));
      assert.deepEqual([byType.pdq[0].variant, byType.pdq[0].distance], [3, 0]);
      assert.equal(byType.sha256[0].entryId, e.id);
      assert.equal(byType.md5[0].distance, 0);
    });

    test('statistics count queries and hits per caller and bank', async () => {
      const stats = await w.service.statistics(w.admin);
      const platform = stats.matchesByCaller.find((c) => c.orgId === w.orgs.platform)!;
      assert.ok(platform.queries >= 5 && platform.hits >= 3, JSON.stringify(platform));
      assert.ok(stats.matchesByBank.find((b) => b.bankId === w.bank.id)!.hits >= 2);
      const own = await w.service.statistics(w.platform);
      assert.deepEqual(
        own.matchesByCaller.map((c) => c.orgId),
        [w.orgs.platform],
      );
      assert.deepEqual(own.entriesByBank, []);
      await rejectsWith(
        w.service.statistics(w.admin, { from: '2026-02-01', to: '2026-01-31' }),
        'KHIEN_ERR_INVALID_ARGUMENT',
      );
      for (const from of ['2026-02-30', '2026-13-01', '26-01-01']) {
        await rejectsWith(w.service.statistics(w.admin, { from }), 'KHIEN_ERR_INVALID_ARGUMENT');
      }
      const oneDay = await w.service.statistics(w.admin, { from: '2026-01-31', to: '2026-01-31' });
      assert.deepEqual(oneDay.matchesByCaller, []);
    });

    test('the audit log records writes and reads; the chain catches an edit and a deletion', async () => {
      await rejectsWith(w.service.queryAudit(w.platform), 'KHIEN_ERR_ROLE_MISSING');
      const reads = await w.service.queryAudit(w.auditor, { action: 'match.' });
      assert.ok(reads.records.length >= 5);
      assert.equal(reads.records[0].orgId, w.orgs.platform);
      const mine = await w.service.queryAudit(w.auditor, {
        orgId: w.orgs.ngo,
        action: 'entry.confirm',
      });
      assert.ok(mine.records.length >= 3 && mine.records.every((r) => r.orgId === w.orgs.ngo));
      // Times with an offset are read as the instants they name, not compared as text.
      const first = reads.records[0];
      const at = new Date(first.at);
      const local = new Date(at.getTime() + 7 * 3600_000).toISOString().replace('Z', '+07:00');
      const inZ = await w.service.queryAudit(w.auditor, { from: first.at, action: 'match.' });
      const inLocal = await w.service.queryAudit(w.auditor, { from: local, action: 'match.' });
      assert.deepEqual(
        inLocal.records.map((r) => r.seq),
        inZ.records.map((r) => r.seq),
      );
      assert.equal(inZ.records[0].seq, first.seq);
      await rejectsWith(
        w.service.queryAudit(w.auditor, { from: '2026-02-01', to: '2026-01-31' }),
        'KHIEN_ERR_INVALID_ARGUMENT',
      );
      const ok = await w.service.verifyAudit(w.auditor);
      assert.equal(ok.ok, true);
      assert.ok(ok.rows > 20);

      const db = ts.store.db;
      const orig = await sql<{
        d: string;
      }>`select details as d from audit_log where seq = 7`.execute(db);
      await sql`update audit_log set details = '{"tampered":true}' where seq = 7`.execute(db);
      const edited = await w.service.verifyAudit(null);
      assert.deepEqual(
        [edited.ok, edited.firstBad?.seq, edited.code],
        [false, 7, 'KHIEN_ERR_AUDIT_CHAIN_BROKEN'],
      );
      await sql`update audit_log set details = ${orig.rows[0].d} where seq = 7`.execute(db);
      assert.equal((await w.service.verifyAudit(null)).ok, true);
      const row12 = await sql<
        Record<string, unknown>
      >`select * from audit_log where seq = 12`.execute(db);
      await sql`delete from audit_log where seq = 12`.execute(db);
      const cut = await w.service.verifyAudit(null);
      assert.deepEqual([cut.ok, cut.firstBad?.seq], [false, 12]);
      assert.equal(cut.firstBad!.reason, 'row 12 is missing (next row is 13)');
      await db
        .insertInto('audit_log')
        .values(row12.rows[0] as never)
        .execute();
      assert.equal((await w.service.verifyAudit(null)).ok, true);
    });

    test('verification while writes land checks the log up to the head it began with', async () => {
      // A live server appends an audit row per request; rows written during the walk must
      // not read as rows missing from the end.
      const pdq = randomPdq();
      for (let round = 0; round < 5; round++) {
        const writes = Array.from({ length: 20 }, () =>
          w.service.match(w.platform, { signals: [{ type: 'pdq', value: pdq }] }),
        );
        const [verdict] = await Promise.all([w.service.verifyAudit(null), ...writes]);
        assert.equal(verdict.ok, true, JSON.stringify(verdict.firstBad));
      }
      const all = await w.service.verifyAudit(null);
      assert.equal(all.ok, true);
    });

    test('rows cut from the end, and a row appended past the head, are reported', async () => {
      const db = ts.store.db;
      const good = await w.service.verifyAudit(null);
      const last = good.rows;
      const row = await sql<
        Record<string, unknown>
      >`select * from audit_log where seq = ${last}`.execute(db);
      await sql`delete from audit_log where seq >= ${last - 1}`.execute(db);
      const cut = await w.service.verifyAudit(null);
      assert.deepEqual(cut.firstBad, {
        seq: last - 1,
        reason: `rows ${last - 1}..${last} are missing from the end`,
      });
      // Put back the last row only, renumbered past the head: a row that never moved the head.
      const back = { ...row.rows[0], seq: last + 5 };
      await db
        .insertInto('audit_log')
        .values(back as never)
        .execute();
      const kept = last - 2; // the head moved back to the last row still in the log
      const keptHash = sql`(select hash from audit_log where seq = ${kept})`;
      await sql`update audit_head set seq = ${kept}, hash = ${keptHash} where id = 1`.execute(db);
      const past = await w.service.verifyAudit(null);
      assert.deepEqual(past.firstBad, {
        seq: last + 5,
        reason: `row ${last + 5} lies past the head (written outside a commit)`,
      });
      await sql`delete from audit_log where seq = ${last + 5}`.execute(db);
      assert.equal((await w.service.verifyAudit(null)).ok, true);

      // A forged row numbered 0 or below sits outside the walk from row 1: still reported.
      for (const seq of [0, -5]) {
        await db
          .insertInto('audit_log')
          .values({ ...row.rows[0], seq } as never)
          .execute();
        const forged = await w.service.verifyAudit(null);
        assert.deepEqual(forged.firstBad, { seq, reason: `row ${seq} lies before row 1 (forged)` });
        await sql`delete from audit_log where seq = ${seq}`.execute(db);
      }
      const head = await sql<Record<string, unknown>>`select * from audit_head`.execute(db);
      await sql`delete from audit_head`.execute(db);
      const headless = await w.service.verifyAudit(null);
      assert.deepEqual(headless.firstBad, { seq: 1, reason: 'the audit head row is missing' });
      await db
        .insertInto('audit_head')
        .values(head.rows[0] as never)
        .execute();
      assert.equal((await w.service.verifyAudit(null)).ok, true);
    });
  });
}
