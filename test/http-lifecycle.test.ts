// The whole life of entries through the HTTP API, on SQLite and (when reachable) PostgreSQL:
// contribution by upload and by hash, confirmation by two other organisations, matching edited
// versions of the bridge photo (blur, shrink, rotation through dihedral) with the distances the
// reference hashes give, a non-match, visibility of other organisations' banks, allow-lists,
// disputes from match feedback, disable/enable, tombstones, keys revoked, and the audit log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';
import type {
  AuditPage,
  Bank,
  Entry,
  EntryDetail,
  EntryPage,
  MatchResult,
  Statistics,
} from '../src/service/types.js';
import { errorBody, FIXTURES, send, startTestServer } from './http-harness.js';
import {
  fixtureImage,
  hexDistance,
  makeWorld,
  referenceDihedral,
  referenceHashes,
  type World,
} from './http-world.js';

const ORIGINAL = 'pdq-data/bridge-mods/aaa-orig.jpg';
const BY_HASH = 'pdq-data/reg-test-input/labelme-subset/q0122.jpg';
const UNRELATED = 'pdq-data/reg-test-input/labelme-subset/q0746.jpg';
const ROTATED = 'pdq-data/reg-test-input/dih/bridge-2-rotate-90.jpg';

const PG_URL = process.env.KHIEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const fixturesPresent = existsSync(FIXTURES);
const pgPresent = await postgresReachable();
if (!pgPresent && process.env.KHIEN_REQUIRE_SERVICES === '1') {
  throw new Error(`PostgreSQL is required (KHIEN_REQUIRE_SERVICES=1) but ${PG_URL} is unreachable`);
}

const STORES = [
  { name: 'SQLite', databaseUrl: undefined, skip: false },
  {
    name: 'PostgreSQL',
    databaseUrl: PG_URL,
    skip: pgPresent ? false : `no PostgreSQL at ${PG_URL}`,
  },
];

for (const store of STORES) {
  describe(
    `entry lifecycle over HTTP on ${store.name}`,
    { skip: fixturesPresent ? store.skip : `fixtures absent at ${FIXTURES}` },
    () => {
      lifecycle(store.databaseUrl);
    },
  );
}

function lifecycle(databaseUrl: string | undefined): void {
  const refs = referenceHashes();
  let w: World;
  let uploaded: Entry;
  let byHash: Entry;

  before(async () => {
    w = await makeWorld(await startTestServer({ databaseUrl }));
  });
  after(() => w.server.close());

  const matchUpload = (file: string, key = w.platformMatcher): Promise<MatchResult> =>
    w.call('POST', '/v1/match', { key, upload: { media: fixtureImage(file) } }, 200);
  const matchHashes = (signals: object[], key = w.platformMatcher): Promise<MatchResult> =>
    w.call('POST', '/v1/match', { key, json: { signals } }, 200);
  const review = (id: string, key: string, decision = 'confirm') =>
    w.call('POST', `/v1/entries/${id}/reviews`, { key, json: { decision } }, 200);

  test('an upload is hashed in memory into PDQ, MD5, SHA-1 and SHA-256; the entry is pending', async () => {
    const bytes = fixtureImage(ORIGINAL);
    uploaded = await w.call(
      'POST',
      `/v1/banks/${w.bankId}/entries`,
      {
        key: w.hotline.contributor,
        upload: {
          media: bytes,
          filename: 'aaa-orig.jpg',
          fields: {
            entry: JSON.stringify({
              facts: { ageBand: '11-13', shown: ['sexual_posing'], origin: 'real' },
              note: 'bridge photo standing in for a reported image',
              externalId: 'report-1',
            }),
          },
        },
      },
      201,
    );
    const digest = (algo: string) => createHash(algo).update(bytes).digest('hex');
    assert.deepEqual(
      uploaded.signals.map((s) => [s.type, s.value, s.quality]),
      [
        ['pdq', refs.get(ORIGINAL)!.hash, refs.get(ORIGINAL)!.quality],
        ['md5', digest('md5'), null],
        ['sha1', digest('sha1'), null],
        ['sha256', digest('sha256'), null],
      ],
    );
    assert.equal(uploaded.status, 'pending');
    assert.equal(uploaded.confirmations, 0);
    assert.equal(uploaded.facts.ageBand, '11-13');
    assert.equal(uploaded.provenance.orgId, w.orgs.hotline);
    assert.equal(uploaded.provenance.externalId, 'report-1');
  });

  test('a platform contributes by hash only; the police may too (on the contributors list)', async () => {
    const ref = refs.get(BY_HASH)!;
    byHash = await w.call(
      'POST',
      `/v1/banks/${w.bankId}/entries`,
      {
        key: w.policeContributor,
        json: { signals: [{ type: 'pdq', value: ref.hash.toUpperCase(), quality: ref.quality }] },
      },
      201,
    );
    assert.equal(byHash.signals[0].value, ref.hash, 'stored as lower-case hex');
    assert.equal(byHash.provenance.orgId, w.orgs.police);
  });

  test('pending entries do not match', async () => {
    const answer = await matchHashes([{ type: 'pdq', value: refs.get(ORIGINAL)!.hash }]);
    assert.deepEqual(answer.results[0].matches, []);
  });

  test('two other organisations confirm; the contributor’s own organisation may not', async () => {
    const own = await send(w.server.app, 'POST', `/v1/entries/${byHash.id}/reviews`, {
      key: w.policeReviewer,
      json: { decision: 'confirm' },
    });
    assert.equal(own.statusCode, 403);
    assert.equal(own.json().error.code, 'KHIEN_ERR_REVIEW_OWN_ORGANISATION');

    const first = await review(uploaded.id, w.policeReviewer);
    assert.deepEqual([first.status, first.confirmations], ['pending', 1]);
    const again = await send(w.server.app, 'POST', `/v1/entries/${uploaded.id}/reviews`, {
      key: w.policeReviewer,
      json: { decision: 'confirm' },
    });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'KHIEN_ERR_REVIEW_DUPLICATE');
    const second = await review(uploaded.id, w.ngoReviewer);
    assert.deepEqual([second.status, second.confirmations], ['confirmed', 2]);

    await review(byHash.id, w.hotline.reviewer);
    const done = await review(byHash.id, w.ngoReviewer);
    assert.equal(done.status, 'confirmed');
  });

  for (const edit of ['blur-a-lot.jpg', 'shrink-a-lot.jpg', 'sharpen-a-lot.jpg']) {
    test(`an upload of the bridge photo edited (${edit}) matches at the reference distance`, async () => {
      const file = `pdq-data/bridge-mods/${edit}`;
      const expected = hexDistance(refs.get(ORIGINAL)!.hash, refs.get(file)!.hash);
      assert.ok(expected > 0 && expected <= 31, `fixture precondition: distance ${expected}`);

      const answer = await matchUpload(file);
      const pdq = answer.results.find((r) => r.type === 'pdq')!;
      assert.equal(pdq.value, refs.get(file)!.hash);
      assert.equal(pdq.matches.length, 1);
      const hit = pdq.matches[0];
      assert.deepEqual(
        [hit.entryId, hit.bankId, hit.signalType, hit.distance, hit.variant, hit.confirmations],
        [uploaded.id, w.bankId, 'pdq', expected, 0, 2],
      );
      assert.equal(hit.verdicts.ruleSetVersion.length > 0, true);
      assert.deepEqual(Object.keys(hit.verdicts.byJurisdiction).sort(), [
        'interpol',
        'ncmec',
        'uk',
        'vn',
      ]);
    });
  }

  test('a rotated upload matches through the dihedral variant the reference predicts', async () => {
    const variants = referenceDihedral(ROTATED);
    const distances = variants.map((v) => hexDistance(v, refs.get(ORIGINAL)!.hash));
    const best = Math.min(...distances);
    assert.ok(best <= 31 && distances[0] > 31, `fixture precondition: ${distances}`);

    const answer = await matchUpload(ROTATED);
    const hit = answer.results.find((r) => r.type === 'pdq')!.matches[0];
    assert.deepEqual(
      [hit.entryId, hit.distance, hit.variant],
      [uploaded.id, best, distances.indexOf(best)],
    );
  });

  test('an unrelated image matches nothing', async () => {
    const query = referenceDihedral(UNRELATED);
    for (const banked of [refs.get(ORIGINAL)!.hash, refs.get(BY_HASH)!.hash]) {
      assert.ok(Math.min(...query.map((v) => hexDistance(v, banked))) > 31, 'precondition');
    }
    const answer = await matchUpload(UNRELATED);
    assert.deepEqual(
      answer.results.map((r) => r.matches),
      answer.results.map(() => []),
    );
  });

  test('matching by hashes: exact PDQ and exact MD5, each query answered in order', async () => {
    const answer = await matchHashes([
      { type: 'pdq', value: refs.get(BY_HASH)!.hash },
      { type: 'md5', value: uploaded.signals[1].value },
      { type: 'sha256', value: 'ab'.repeat(32) },
    ]);
    assert.deepEqual(
      answer.results.map((r) => r.matches.map((m) => [m.entryId, m.signalType, m.distance])),
      [[[byHash.id, 'pdq', 0]], [[uploaded.id, 'md5', 0]], []],
    );
  });

  test('an organisation not on the matchers list gets no matches from the bank', async () => {
    const answer = await matchHashes(
      [{ type: 'pdq', value: refs.get(BY_HASH)!.hash }],
      w.outsiderMatcher,
    );
    assert.deepEqual(answer.results[0].matches, []);
  });

  test('another organisation’s private bank can be neither read, listed, fed nor matched', async () => {
    const bank = await send(w.server.app, 'GET', `/v1/banks/${w.privateBankId}`, {
      key: w.hotline.curator,
    });
    assert.equal(bank.statusCode, 403);
    assert.equal(bank.json().error.code, 'KHIEN_ERR_BANK_NOT_VISIBLE');
    assert.deepEqual(bank.json().error.details, { bankId: w.privateBankId, access: 'any' });

    const listed: { banks: Bank[] } = await w.call(
      'GET',
      '/v1/banks',
      { key: w.hotline.curator },
      200,
    );
    assert.deepEqual(listed.banks.map((b) => b.id).sort(), [w.bankId, w.allowBankId].sort());

    const entries = await send(w.server.app, 'GET', `/v1/banks/${w.privateBankId}/entries`, {
      key: w.hotline.curator,
    });
    assert.equal(entries.statusCode, 403);
    assert.equal(entries.json().error.code, 'KHIEN_ERR_BANK_NOT_VISIBLE');

    const fed = await send(w.server.app, 'POST', `/v1/banks/${w.privateBankId}/entries`, {
      key: w.hotline.contributor,
      json: { signals: [{ type: 'md5', value: 'cd'.repeat(16) }] },
    });
    assert.equal(fed.statusCode, 403);
    assert.deepEqual(fed.json().error.details, {
      bankId: w.privateBankId,
      access: 'contribute',
      list: 'contributors',
    });

    const outsiderEntry = await w.call(
      'POST',
      `/v1/banks/${w.privateBankId}/entries`,
      { key: w.outsiderCurator, json: { signals: [{ type: 'md5', value: 'ef'.repeat(16) }] } },
      201,
    );
    await w.call(
      'PATCH',
      `/v1/banks/${w.privateBankId}`,
      {
        key: w.outsiderCurator,
        json: { viewers: [w.orgs.police, w.orgs.ngo] },
      },
      200,
    );
    await review(outsiderEntry.id, w.policeReviewer);
    assert.equal((await review(outsiderEntry.id, w.ngoReviewer)).status, 'confirmed');
    const query = [{ type: 'md5', value: 'ef'.repeat(16) }];
    assert.deepEqual((await matchHashes(query)).results[0].matches, []);
    const own = await matchHashes(query, w.outsiderMatcher);
    assert.equal(own.results[0].matches[0].entryId, outsiderEntry.id);
  });

  test('an allow-list entry suppresses positive matches near it', async () => {
    const positive = randomBytes(32).toString('hex');
    const near = flipBits(positive, 3);
    const add = async (bankId: string, value: string, key: string) => {
      const entry = await w.call(
        'POST',
        `/v1/banks/${bankId}/entries`,
        { key, json: { signals: [{ type: 'pdq', value, quality: 100 }] } },
        201,
      );
      await review(entry.id, w.policeReviewer);
      return review(entry.id, w.ngoReviewer);
    };
    const hit = await add(w.bankId, positive, w.hotline.contributor);
    const before = await matchHashes([{ type: 'pdq', value: near }]);
    assert.deepEqual(
      before.results[0].matches.map((m) => m.entryId),
      [hit.id],
    );

    await add(w.allowBankId, near, w.hotline.contributor);
    const afterAllow = await matchHashes([{ type: 'pdq', value: near }]);
    assert.deepEqual(
      { ...afterAllow.results[0], matches: afterAllow.results[0].matches.length },
      {
        type: 'pdq',
        value: near,
        quality: null,
        matches: 0,
        allowListed: true,
        suppressed: 1,
        lowQuality: false,
      },
    );
  });

  test('an upload is one file: an allow-list hit on its PDQ suppresses its digest matches', async () => {
    const bytes = fixtureImage(UNRELATED);
    const md5 = createHash('md5').update(bytes).digest('hex');
    const add = async (bankId: string, signals: object[]) => {
      const entry = await w.call(
        'POST',
        `/v1/banks/${bankId}/entries`,
        { key: w.hotline.contributor, json: { signals } },
        201,
      );
      await review(entry.id, w.policeReviewer);
      return review(entry.id, w.ngoReviewer);
    };
    const byMd5 = await add(w.bankId, [{ type: 'md5', value: md5 }]);
    const before = await matchUpload(UNRELATED);
    const md5Result = () => before.results.find((r) => r.type === 'md5')!;
    assert.deepEqual(
      md5Result().matches.map((m) => m.entryId),
      [byMd5.id],
    );

    const pdq = refs.get(UNRELATED)!;
    await add(w.allowBankId, [{ type: 'pdq', value: pdq.hash, quality: pdq.quality }]);
    const after = await matchUpload(UNRELATED);
    assert.deepEqual(
      after.results.map((r) => [r.type, r.matches.length, r.allowListed, r.suppressed]),
      [
        ['pdq', 0, true, 0],
        ['md5', 0, true, 1],
        ['sha1', 0, true, 0],
        ['sha256', 0, true, 0],
      ],
    );
    // Sent as separate hashes, the MD5 is its own query: the PDQ's allow-list hit does not
    // reach it.
    const separate = await matchHashes([
      { type: 'pdq', value: pdq.hash },
      { type: 'md5', value: md5 },
    ]);
    assert.deepEqual(
      separate.results.map((r) => [r.allowListed, r.matches.map((m) => m.entryId)]),
      [
        [true, []],
        [false, [byMd5.id]],
      ],
    );
  });

  test("a PDQ query below the bank's minimum quality is not matched, and says so", async () => {
    // A flat picture: the contributor claimed quality 90 for its hash, which the bank cannot
    // check; the upload's own quality is 0.
    const flat = refs.get('edge/flat-grey.png')!;
    assert.equal(flat.quality, 0, 'fixture precondition');
    const entry = await w.call(
      'POST',
      `/v1/banks/${w.bankId}/entries`,
      {
        key: w.hotline.contributor,
        json: { signals: [{ type: 'pdq', value: flat.hash, quality: 90 }] },
      },
      201,
    );
    await review(entry.id, w.policeReviewer);
    await review(entry.id, w.ngoReviewer);

    const upload = (await matchUpload('edge/flat-grey.png')).results.find((r) => r.type === 'pdq')!;
    assert.deepEqual(
      [upload.value, upload.quality, upload.matches, upload.lowQuality],
      [flat.hash, 0, [], true],
    );
    const lone = await matchHashes([
      { type: 'pdq', value: randomBytes(32).toString('hex'), quality: 10 },
    ]);
    assert.deepEqual([lone.results[0].matches, lone.results[0].lowQuality], [[], true]);
    const low = await matchHashes([{ type: 'pdq', value: flat.hash, quality: 49 }]);
    assert.deepEqual([low.results[0].matches, low.results[0].lowQuality], [[], true]);
    const good = await matchHashes([{ type: 'pdq', value: flat.hash, quality: 50 }]);
    assert.deepEqual(
      [good.results[0].matches.map((m) => m.entryId), good.results[0].lowQuality],
      [[entry.id], false],
    );
    const unknown = await matchHashes([{ type: 'pdq', value: flat.hash }]);
    assert.deepEqual(
      [unknown.results[0].quality, unknown.results[0].matches.map((m) => m.entryId)],
      [null, [entry.id]],
    );
    const onDigest = await send(w.server.app, 'POST', '/v1/match', {
      key: w.platformMatcher,
      json: { signals: [{ type: 'md5', value: 'ab'.repeat(16), quality: 90 }] },
    });
    assert.equal(onDigest.statusCode, 400);
    assert.equal(onDigest.json().error.code, 'KHIEN_ERR_INVALID_ARGUMENT');
    assert.match(onDigest.json().error.message, /quality belongs to PDQ signals only/);
  });

  test('a false-positive report disputes the entry: it stops matching until resolved', async () => {
    const query = [{ type: 'pdq', value: refs.get(BY_HASH)!.hash }];
    const matchId = (await matchHashes(query)).results[0].matches[0].matchId;
    const feedback = await w.call(
      'POST',
      `/v1/matches/${matchId}/feedback`,
      { key: w.platformMatcher, json: { kind: 'false_positive', reason: 'a street scene' } },
      200,
    );
    assert.deepEqual(feedback, { matchId, entryId: byHash.id, entryStatus: 'disputed' });
    assert.deepEqual((await matchHashes(query)).results[0].matches, []);
    // A repeat changes nothing but is audited like the first report.
    const again = await w.call(
      'POST',
      `/v1/matches/${matchId}/feedback`,
      { key: w.platformMatcher, json: { kind: 'false_positive' } },
      200,
    );
    assert.equal(again.entryStatus, 'disputed');
    const audited: AuditPage = await w.call(
      'GET',
      '/v1/audit?action=match.feedback',
      { key: w.hotline.auditor },
      200,
    );
    assert.deepEqual(
      audited.records.map((r) => [r.subject, r.orgId, r.details.entryStatus, r.details.reason]),
      [
        [matchId, w.orgs.platform, 'disputed', 'a street scene'],
        [matchId, w.orgs.platform, 'disputed', null],
      ],
    );

    const others = await send(w.server.app, 'POST', `/v1/matches/${matchId}/feedback`, {
      key: w.outsiderMatcher,
      json: { kind: 'false_positive' },
    });
    assert.equal(others.statusCode, 404);
    assert.equal(others.json().error.code, 'KHIEN_ERR_MATCH_NOT_FOUND');

    const resolved = await w.call(
      'POST',
      `/v1/entries/${byHash.id}/resolution`,
      {
        key: w.hotline.curator,
        json: { outcome: 'confirm', reason: 'verified against the case file' },
      },
      200,
    );
    assert.equal(resolved.status, 'confirmed');
    assert.equal((await matchHashes(query)).results[0].matches[0].entryId, byHash.id);
  });

  test('disable stops matching and enable restores it; the history says who and why', async () => {
    const query = [{ type: 'pdq', value: refs.get(ORIGINAL)!.hash }];
    const disabled = await w.call(
      'POST',
      `/v1/entries/${uploaded.id}/disable`,
      {
        key: w.hotline.curator,
        json: { reason: 'court order 12/2026', until: '2099-01-01T00:00:00.000Z' },
      },
      200,
    );
    assert.deepEqual(
      [disabled.status, disabled.disabledReason, disabled.disabledUntil],
      ['disabled', 'court order 12/2026', '2099-01-01T00:00:00.000Z'],
    );
    assert.deepEqual((await matchHashes(query)).results[0].matches, []);

    await w.call(
      'POST',
      `/v1/entries/${uploaded.id}/enable`,
      { key: w.hotline.curator, json: {} },
      200,
    );
    assert.equal((await matchHashes(query)).results[0].matches.length, 1);

    const detail: EntryDetail = await w.call(
      'GET',
      `/v1/entries/${uploaded.id}`,
      { key: w.hotline.curator },
      200,
    );
    assert.deepEqual(
      detail.transitions.map((t) => [t.from, t.to, t.orgId]),
      [
        [null, 'pending', w.orgs.hotline],
        ['pending', 'confirmed', w.orgs.ngo],
        ['confirmed', 'disabled', w.orgs.hotline],
        ['disabled', 'confirmed', w.orgs.hotline],
      ],
    );
    assert.deepEqual(
      detail.reviews.map((r) => [r.orgId, r.decision]),
      [
        [w.orgs.police, 'confirm'],
        [w.orgs.ngo, 'confirm'],
      ],
    );
  });

  test('delete leaves a tombstone: readable and listed as deleted, never matched', async () => {
    const deleted = await w.call(
      'DELETE',
      `/v1/entries/${uploaded.id}?reason=withdrawn%20by%20the%20hotline`,
      { key: w.hotline.curator },
      200,
    );
    assert.equal(deleted.status, 'deleted');
    const answer = await matchUpload('pdq-data/bridge-mods/blur-a-lot.jpg');
    assert.deepEqual(answer.results.find((r) => r.type === 'pdq')!.matches, []);

    const tomb = await w.call('GET', `/v1/entries/${uploaded.id}`, { key: w.hotline.curator }, 200);
    assert.equal(tomb.status, 'deleted');
    assert.equal(tomb.transitions.at(-1).reason, 'withdrawn by the hotline');
    const listed: EntryPage = await w.call(
      'GET',
      `/v1/banks/${w.bankId}/entries?status=deleted`,
      { key: w.hotline.curator },
      200,
    );
    assert.deepEqual(
      listed.entries.map((e) => e.id),
      [uploaded.id],
    );

    const undo = await send(w.server.app, 'POST', `/v1/entries/${uploaded.id}/enable`, {
      key: w.hotline.curator,
      json: {},
    });
    assert.equal(undo.statusCode, 409);
    assert.equal(undo.json().error.code, 'KHIEN_ERR_TRANSITION_INVALID');
  });

  test('a revoked key stops authenticating at once', async () => {
    const made = await w.call(
      'POST',
      '/v1/keys',
      { key: w.adminKey, json: { orgId: w.orgs.platform, roles: ['matcher'], name: 'to revoke' } },
      201,
    );
    assert.match(made.key, /^khien_/);
    await matchHashes([{ type: 'md5', value: '00'.repeat(16) }], made.key);
    const revoked = await w.call(
      'POST',
      `/v1/keys/${made.info.id}/revoke`,
      { key: w.adminKey },
      200,
    );
    assert.ok(revoked.revokedAt);
    const refused = await send(w.server.app, 'GET', '/v1/banks', { key: made.key });
    assert.equal(refused.statusCode, 401);
    assert.deepEqual(
      refused.json(),
      errorBody('KHIEN_ERR_KEY_REVOKED', `key ${made.info.id} was revoked at ${revoked.revokedAt}`),
    );
  });

  test('statistics count entries by status and matches by bank and caller', async () => {
    const stats: Statistics = await w.call(
      'GET',
      '/v1/statistics',
      { key: w.hotline.curator },
      200,
    );
    const main = stats.entriesByBank.find((b) => b.bankId === w.bankId)!;
    assert.deepEqual(main.byStatus, { confirmed: 4, deleted: 1 }); // 2 from the allow and quality tests
    assert.ok(stats.matchesByBank.find((b) => b.bankId === w.bankId)!.hits >= 8);
  });

  test('the audit log carries the request id, and verification catches a tampered row', async () => {
    await send(w.server.app, 'GET', `/v1/entries/${byHash.id}`, {
      key: w.hotline.curator,
      headers: { 'x-request-id': 'audit-probe-1' },
    });
    const page: AuditPage = await w.call(
      'GET',
      '/v1/audit?action=entry.read&limit=1000',
      { key: w.hotline.auditor },
      200,
    );
    const probe = page.records.find((r) => r.requestId === 'audit-probe-1')!;
    assert.deepEqual(
      [probe.action, probe.subject, probe.orgId],
      ['entry.read', byHash.id, w.orgs.hotline],
    );

    const good = await w.call('GET', '/v1/audit/verification', { key: w.hotline.auditor }, 200);
    assert.deepEqual([good.ok, good.firstBad, good.code], [true, null, undefined]);
    assert.match(good.headHash, /^[0-9a-f]{64}$/);
    await w.server.store.db
      .updateTable('audit_log')
      .set({ details: '{"edited":true}' })
      .where('seq', '=', probe.seq)
      .execute();
    const bad = await w.call('GET', '/v1/audit/verification', { key: w.hotline.auditor }, 200);
    assert.equal(bad.ok, false);
    assert.equal(bad.firstBad.seq, probe.seq);
    assert.equal(bad.code, 'KHIEN_ERR_AUDIT_CHAIN_BROKEN');
  });
}

function flipBits(hex: string, bits: number): string {
  const chars = hex.split('');
  for (let i = 0; i < bits; i++) chars[i * 7] = (parseInt(chars[i * 7], 16) ^ 1).toString(16);
  return chars.join('');
}
