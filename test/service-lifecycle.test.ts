// The whole entry lifecycle through the service, on SQLite and PostgreSQL: contribution,
// review by other organisations, matching only when confirmed, disputes from reviewers and
// from platforms, disabling with a date, deletion with a tombstone, and refusals with codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_KINDS, type TestStore } from './store-factory.js';
import { flipBits, makeWorld, randomPdq, SEXUAL_FACTS, type World } from './service-world.js';
import type { Actor } from '../src/service/types.js';
import { SearchLane } from '../src/index-io/search-lane.js';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string }) => {
    assert.equal(err.code, code);
    return true;
  });
}

// Every store, and SQLite once more with PDQ searches on the search worker (SearchLane with
// no size threshold), as `khien serve` runs them on large banks.
const RUNS = [
  ...STORE_KINDS.map((kind) => ({ kind, lane: false })),
  { kind: STORE_KINDS[0], lane: true },
];

for (const { kind, lane } of RUNS) {
  describe(`service lifecycle on ${kind.name}${lane ? ', searching on the worker' : ''}`, async () => {
    const skip = await kind.skip();
    if (skip) {
      test(`skipped: ${skip}`, { skip }, () => undefined);
      return;
    }
    let ts: TestStore;
    let w: World;
    let searchOffload: SearchLane | undefined;
    before(async () => {
      ts = await kind.open();
      searchOffload = lane ? new SearchLane(0) : undefined;
      w = await makeWorld(ts.store, { searchOffload });
    });
    after(async () => {
      await w.service.stop();
      await searchOffload?.close();
      await ts.cleanup();
    });

    const contribute = (by: Actor, pdq = randomPdq(), quality = 90) =>
      w.service.contribute(by, {
        bankId: w.bank.id,
        signals: [{ type: 'pdq', value: pdq, quality }],
        facts: SEXUAL_FACTS,
      });
    const matchPdq = (by: Actor, value: string) =>
      w.service.match(by, { signals: [{ type: 'pdq', value }] });

    test('pending → confirmed after two other organisations confirm; only then it matches', async () => {
      const pdq = randomPdq();
      const entry = await contribute(w.authority, pdq);
      assert.equal(entry.status, 'pending');
      assert.equal(entry.verdicts.byJurisdiction.ncmec.category, 'A1');
      assert.equal((await matchPdq(w.platform, pdq)).results[0].matches.length, 0);

      await rejectsWith(
        w.service.review(w.authority, entry.id, { decision: 'confirm' }),
        'KHIEN_ERR_REVIEW_OWN_ORGANISATION',
      );
      const once = await w.service.review(w.hotline, entry.id, { decision: 'confirm' });
      assert.deepEqual([once.status, once.confirmations], ['pending', 1]);
      await rejectsWith(
        w.service.review(w.hotline, entry.id, { decision: 'confirm' }),
        'KHIEN_ERR_REVIEW_DUPLICATE',
      );
      const twice = await w.service.review(w.ngo, entry.id, { decision: 'confirm' });
      assert.deepEqual([twice.status, twice.confirmations], ['confirmed', 2]);

      const near = flipBits(pdq, 10);
      const res = await matchPdq(w.platform, near);
      assert.equal(res.results[0].matches.length, 1);
      const hit = res.results[0].matches[0];
      assert.deepEqual(
        [hit.entryId, hit.bankId, hit.distance, hit.variant, hit.confirmations, hit.signalType],
        [entry.id, w.bank.id, 10, 0, 2, 'pdq'],
      );
      assert.equal(hit.verdicts.byJurisdiction.vn.outcome, 'csam');
      assert.equal((await matchPdq(w.platform, flipBits(pdq, 32))).results[0].matches.length, 0);
    });

    test("an outsider's query sees nothing of a bank it is not listed on", async () => {
      const pdq = randomPdq();
      const e = await contribute(w.authority, pdq);
      await w.service.review(w.hotline, e.id, { decision: 'confirm' });
      await w.service.review(w.ngo, e.id, { decision: 'confirm' });
      assert.equal((await matchPdq(w.platform, pdq)).results[0].matches.length, 1);
      assert.equal((await matchPdq(w.outsider, pdq)).results[0].matches.length, 0);
      await rejectsWith(w.service.getEntry(w.outsider, e.id), 'KHIEN_ERR_ROLE_MISSING');
      await rejectsWith(w.service.getBank(w.outsider, w.bank.id), 'KHIEN_ERR_BANK_NOT_VISIBLE');
      assert.deepEqual(await w.service.listBanks(w.outsider), []);
    });

    test('a platform false positive disputes the entry and it stops matching at once', async () => {
      const pdq = randomPdq();
      const e = await contribute(w.hotline, pdq);
      await w.service.review(w.authority, e.id, { decision: 'confirm' });
      await w.service.review(w.ngo, e.id, { decision: 'confirm' });
      const hit = (await matchPdq(w.platform, pdq)).results[0].matches[0];
      await rejectsWith(
        w.service.matchFeedback(w.outsider, hit.matchId, { kind: 'false_positive' }),
        'KHIEN_ERR_MATCH_NOT_FOUND',
      );
      const fb = await w.service.matchFeedback(w.platform, hit.matchId, {
        kind: 'false_positive',
        reason: 'a bridge',
      });
      assert.deepEqual(fb, { matchId: hit.matchId, entryId: e.id, entryStatus: 'disputed' });
      assert.equal((await matchPdq(w.platform, pdq)).results[0].matches.length, 0);

      const back = await w.service.resolveDispute(w.authority, e.id, {
        outcome: 'confirm',
        reason: 'checked',
      });
      assert.equal(back.status, 'confirmed');
      assert.equal((await matchPdq(w.platform, pdq)).results[0].matches.length, 1);
    });

    test('disable with a date, expiry re-enables; delete leaves a tombstone in the export', async () => {
      const pdq = randomPdq();
      const e = await contribute(w.authority, pdq);
      await w.service.review(w.hotline, e.id, { decision: 'confirm' });
      await w.service.review(w.ngo, e.id, { decision: 'confirm' });
      await rejectsWith(
        w.service.disableEntry(w.hotline, e.id, { reason: 'x' }),
        'KHIEN_ERR_ROLE_MISSING',
      );
      await rejectsWith(
        w.service.disableEntry(w.authority, e.id, {
          reason: 'court order',
          until: new Date(Date.now() - 1000).toISOString(),
        }),
        'KHIEN_ERR_INVALID_ARGUMENT',
      );
      const until = new Date(Date.now() + 60_000).toISOString();
      const off = await w.service.disableEntry(w.authority, e.id, { reason: 'court order', until });
      assert.deepEqual([off.status, off.disabledReason], ['disabled', 'court order']);
      assert.equal((await matchPdq(w.platform, pdq)).results[0].matches.length, 0);
      assert.equal(await w.service.expireDisabled(), 0, 'not yet due');
      w.advance(61_000);
      try {
        assert.ok((await w.service.expireDisabled()) >= 1);
      } finally {
        w.advance(-61_000);
      }
      assert.equal((await matchPdq(w.platform, pdq)).results[0].matches.length, 1);

      const gone = await w.service.deleteEntry(w.authority, e.id, { reason: 'withdrawn' });
      assert.equal(gone.status, 'deleted');
      assert.equal((await matchPdq(w.platform, pdq)).results[0].matches.length, 0);
      await rejectsWith(w.service.enableEntry(w.authority, e.id), 'KHIEN_ERR_TRANSITION_INVALID');

      const exported = [];
      for await (const r of w.service.exportBank(w.authority, w.bank.id)) exported.push(r);
      const tomb = exported.find((r) => r.id === e.id)!;
      assert.equal(tomb.status, 'deleted');
      assert.equal(tomb.facts, null);
      assert.deepEqual(tomb.signals, [{ type: 'pdq', value: pdq, quality: 90 }]);
      assert.ok(tomb.deletedAt);

      const detail = await w.service.getEntry(w.authority, e.id);
      assert.deepEqual(
        detail.transitions.map((t) => t.to),
        ['pending', 'confirmed', 'disabled', 'confirmed', 'deleted'],
      );
      assert.equal(detail.transitions[2].until, until);
    });

    test('a reviewer reject disputes a pending entry; it never matches', async () => {
      const pdq = randomPdq();
      const e = await contribute(w.authority, pdq);
      const r = await w.service.review(w.hotline, e.id, {
        decision: 'reject',
        reason: 'not abuse',
      });
      assert.equal(r.status, 'disputed');
      const c = await w.service.review(w.ngo, e.id, { decision: 'confirm' });
      assert.deepEqual([c.status, c.confirmations], ['disputed', 1]);
      assert.equal((await matchPdq(w.platform, pdq)).results[0].matches.length, 0);
    });

    test('bad input is refused with its code', async () => {
      const sig = (value: string, quality?: number) => ({
        bankId: w.bank.id,
        signals: [{ type: 'pdq' as const, value, quality }],
      });
      await rejectsWith(
        w.service.contribute(w.authority, sig('abc', 90)),
        'KHIEN_ERR_HASH_MALFORMED',
      );
      await rejectsWith(
        w.service.contribute(w.authority, sig('g'.repeat(64), 90)),
        'KHIEN_ERR_HASH_MALFORMED',
      );
      await rejectsWith(
        w.service.contribute(w.authority, sig(randomPdq(), 49)),
        'KHIEN_ERR_QUALITY_TOO_LOW',
      );
      await rejectsWith(
        w.service.contribute(w.authority, sig(randomPdq())),
        'KHIEN_ERR_QUALITY_TOO_LOW',
      );
      await rejectsWith(
        w.service.contribute(w.authority, { ...sig(randomPdq(), 90), bankId: 'bank_nope' }),
        'KHIEN_ERR_BANK_NOT_FOUND',
      );
      const twice = randomPdq();
      await assert.rejects(
        w.service.contribute(w.authority, {
          bankId: w.bank.id,
          signals: [
            { type: 'pdq', value: twice, quality: 90 },
            { type: 'md5', value: 'ab'.repeat(16) },
            { type: 'pdq', value: twice.toUpperCase(), quality: 80 },
          ],
        }),
        (err: { code?: string; message?: string }) =>
          err.code === 'KHIEN_ERR_INVALID_ARGUMENT' &&
          err.message ===
            'signals[2] repeats signals[0] (the same pdq value); give each signal once',
      );
      await rejectsWith(
        w.service.contribute(w.authority, {
          bankId: w.bank.id,
          signals: [{ type: 'md5', value: 'ab'.repeat(16), quality: 90 }],
        }),
        'KHIEN_ERR_INVALID_ARGUMENT',
      );
      await rejectsWith(
        w.service.contribute(w.authority, {
          ...sig(randomPdq(), 90),
          facts: { ageBand: '18-99' as never },
        }),
        'KHIEN_ERR_FACTS_INVALID',
      );
      await rejectsWith(
        w.service.contribute(w.authority, {
          bankId: w.bank.id,
          signals: [{ type: 'md5', value: 'ab'.repeat(20) }],
        }),
        'KHIEN_ERR_HASH_MALFORMED',
      );
      await rejectsWith(
        w.service.contribute(w.authority, {
          bankId: w.bank.id,
          signals: [{ type: 'crc' as never, value: 'ab' }],
        }),
        'KHIEN_ERR_INVALID_ARGUMENT',
      );
      await rejectsWith(
        w.service.contribute(w.ngo, sig(randomPdq(), 90)),
        'KHIEN_ERR_ROLE_MISSING',
      );
      await rejectsWith(
        w.service.contribute(w.outsider, sig(randomPdq(), 90)),
        'KHIEN_ERR_ROLE_MISSING',
      );
      const dup = randomPdq();
      await contribute(w.authority, dup);
      await rejectsWith(contribute(w.hotline, dup), 'KHIEN_ERR_SIGNAL_DUPLICATE');
      const many = Array.from({ length: 101 }, () => ({
        type: 'pdq' as const,
        value: randomPdq(),
      }));
      await rejectsWith(
        w.service.match(w.platform, { signals: many }),
        'KHIEN_ERR_BATCH_TOO_LARGE',
      );
      await rejectsWith(matchPdq(w.platform, 'zz'), 'KHIEN_ERR_HASH_MALFORMED');
      await rejectsWith(matchPdq(w.authority, randomPdq()), 'KHIEN_ERR_ROLE_MISSING');
      await rejectsWith(w.service.getEntry(w.authority, 'ent_nope'), 'KHIEN_ERR_ENTRY_NOT_FOUND');
    });
  });
}
