// Import through the service, on SQLite and PostgreSQL: CSV and JSON lines with facts, bad
// lines rejected with their codes, duplicates skipped, a vetted list imported as confirmed and
// matchable at once, and an interrupted import resumed from its last checkpoint with nothing
// lost and nothing duplicated.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STORE_KINDS, type TestStore } from './store-factory.js';
import { makeWorld, randomPdq, type World } from './service-world.js';

const jsonLine = (pdq: string, i: number) =>
  JSON.stringify({
    pdq,
    quality: 90,
    externalId: `ext-${i}`,
    facts: { ageBand: '3-6', shown: ['sexual_posing'], origin: 'real' },
  });

for (const kind of STORE_KINDS) {
  describe(`import on ${kind.name}`, async () => {
    const skip = await kind.skip();
    if (skip) {
      test(`skipped: ${skip}`, { skip }, () => undefined);
      return;
    }
    let ts: TestStore;
    let w: World;
    let dir: string;
    before(async () => {
      ts = await kind.open();
      w = await makeWorld(ts.store);
      dir = mkdtempSync(join(tmpdir(), 'khien-import-'));
    });
    after(async () => {
      await w.service.stop();
      await ts.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test('CSV with facts; bad lines rejected with codes; a re-run skips duplicates', async () => {
      const a = randomPdq();
      const b = randomPdq();
      const path = join(dir, 'list.csv');
      writeFileSync(
        path,
        'pdq,quality,md5,external_id,age_band,shown,origin,self_generated\r\n' +
          `${a},80,,c1,11-13,penetrative;other,real,yes\r\n` +
          `${b},80,${'ab'.repeat(16)},c2,16-17,sexual_posing,drawn,no\r\n` +
          `${randomPdq()},20,,c3,7-10,penetrative,real,\r\n` +
          `nothex,80,,c4,7-10,penetrative,real,\r\n` +
          `${randomPdq()},80,,c5,18+,penetrative,real,\r\n` +
          `${a},90,,c6,7-10,penetrative,real,\r\n`,
      );
      const r = await w.service.importEntries(w.authority, { bankId: w.bank.id, path });
      assert.deepEqual([r.committed, r.rejected, r.duplicates, r.linesDone], [2, 3, 1, 7]);
      assert.deepEqual(
        r.rejections.map((x) => [x.line, x.code]),
        [
          [4, 'KHIEN_ERR_QUALITY_TOO_LOW'],
          [5, 'KHIEN_ERR_HASH_MALFORMED'],
          [6, 'KHIEN_ERR_FACTS_INVALID'],
        ],
      );
      const page = await w.service.listEntries(w.authority, { bankId: w.bank.id });
      const c1 = page.entries.find((e) => e.provenance.externalId === 'c1')!;
      assert.deepEqual(c1.facts.shown, ['penetrative', 'other']);
      assert.equal(c1.facts.selfGenerated, true);
      assert.equal(c1.status, 'pending');
      assert.equal(c1.provenance.source, 'list.csv');
      assert.equal(c1.verdicts.byJurisdiction.uk.category, 'A');
      const c2 = page.entries.find((e) => e.provenance.externalId === 'c2')!;
      assert.deepEqual(
        c2.signals.map((s) => s.type),
        ['pdq', 'md5'],
      );
      assert.equal(c2.verdicts.byJurisdiction.vn.outcome, 'not_csam');

      const again = await w.service.importEntries(w.authority, { bankId: w.bank.id, path });
      assert.deepEqual([again.resumed, again.committed, again.duplicates], [false, 0, 3]);
    });

    test('a vetted list imported as confirmed matches at once; contributors may not', async () => {
      const pdqs = Array.from({ length: 5 }, randomPdq);
      const path = join(dir, 'vetted.jsonl');
      writeFileSync(path, pdqs.map(jsonLine).join('\n') + '\n');
      await assert.rejects(
        w.service.importEntries(w.hotline, { bankId: w.bank.id, path, asConfirmed: true }),
        { code: 'KHIEN_ERR_ROLE_MISSING' },
      );
      const r = await w.service.importEntries(w.authority, {
        bankId: w.bank.id,
        path,
        asConfirmed: true,
        source: 'partner-x',
      });
      assert.equal(r.committed, 5);
      const m = await w.service.match(w.platform, { signals: [{ type: 'pdq', value: pdqs[3] }] });
      assert.equal(m.results[0].matches.length, 1);
      const audit = await w.service.queryAudit(w.auditor, { action: 'import.' });
      const start = audit.records.find(
        (x) => x.action === 'import.start' && x.details.source === 'partner-x',
      )!;
      assert.equal(start.details.asConfirmed, true);
    });

    test('an interrupted import resumes after its last checkpoint: none lost, none twice', async () => {
      const n = 2500;
      const path = join(dir, 'big.jsonl');
      writeFileSync(path, Array.from({ length: n }, (_, i) => jsonLine(randomPdq(), i)).join('\n'));
      const reported: number[] = [];
      await assert.rejects(
        w.service.importEntries(w.hotline, {
          bankId: w.bank.id,
          path,
          chunkSize: 400,
          onCheckpoint: (p) => {
            reported.push(p.committed);
            if (reported.length === 3) throw new Error('interrupted');
          },
        }),
        /interrupted/,
      );
      assert.deepEqual(reported, [400, 800, 1200]);
      const count = async () =>
        Number(
          (
            await ts.store.db
              .selectFrom('entries')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('source', '=', 'big.jsonl')
              .executeTakeFirstOrThrow()
          ).n,
        );
      assert.equal(await count(), 1200);

      const r = await w.service.importEntries(w.hotline, {
        bankId: w.bank.id,
        path,
        chunkSize: 400,
      });
      assert.deepEqual([r.resumed, r.committed, r.duplicates, r.linesDone], [true, n, 0, n]);
      assert.equal(await count(), n);
      const ids = await ts.store.db
        .selectFrom('entries')
        .select('external_id')
        .where('source', '=', 'big.jsonl')
        .execute();
      assert.equal(new Set(ids.map((x) => x.external_id)).size, n);
    });
  });
}
