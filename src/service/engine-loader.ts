/**
 * Fills the match engine from the store and keeps it in step with changes made by other
 * processes (the CLI's import, another server on the same PostgreSQL). Changes made through
 * this process's service reach the engine synchronously; this poller is the safety net that
 * replays entry_transitions rows it has not seen, which is idempotent.
 */
import type { Kysely } from 'kysely';
import { isMatchable } from '../core/policy/entry-lifecycle.js';
import { deriveVerdicts, VERDICT_RULES_VERSION } from '../core/policy/verdict-rules.js';
import { FACTS_SCHEMA } from '../core/policy/facts.js';
import type { Database } from '../store/database.js';
import type { MatchEngine } from './match-engine.js';
import type { SignalType } from './types.js';

const PAGE = 20_000;

/** Loads every signal of a confirmed entry into an empty engine; returns how many. */
export async function loadEngine(db: Kysely<Database>, engine: MatchEngine): Promise<number> {
  const loader = engine.bulkLoader();
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('signals')
      .innerJoin('entries', 'entries.id', 'signals.entry_id')
      .select(['signals.id', 'signals.type', 'signals.value', 'signals.bank_id'])
      .where('entries.status', '=', 'confirmed')
      .where('signals.id', '>', after)
      .orderBy('signals.id')
      .limit(PAGE)
      .execute();
    for (const r of rows) {
      loader.add({
        id: Number(r.id),
        type: r.type as SignalType,
        value: r.value,
        bankId: r.bank_id,
      });
    }
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1].id);
  }
  return loader.finish();
}

/** The newest transition id: changes after it are replayed by `replayTransitions`. */
export async function lastTransitionId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('entry_transitions')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/** Applies transitions after `since` to the engine; returns the new high-water mark. */
export async function replayTransitions(
  db: Kysely<Database>,
  engine: MatchEngine,
  since: number,
): Promise<number> {
  const rows = await db
    .selectFrom('entry_transitions')
    .select(['id', 'entry_id'])
    .where('id', '>', since)
    .orderBy('id')
    .limit(PAGE)
    .execute();
  if (rows.length === 0) return since;
  const entryIds = [...new Set(rows.map((r) => r.entry_id))];
  for (let i = 0; i < entryIds.length; i += 500) {
    const signals = await db
      .selectFrom('signals')
      .innerJoin('entries', 'entries.id', 'signals.entry_id')
      .select(['signals.id', 'signals.type', 'signals.value', 'signals.bank_id', 'entries.status'])
      .where('signals.entry_id', 'in', entryIds.slice(i, i + 500))
      .execute();
    for (const s of signals) {
      const id = Number(s.id);
      if (isMatchable(s.status as never)) {
        engine.add({ id, type: s.type as SignalType, value: s.value, bankId: s.bank_id });
      } else engine.remove(id);
    }
  }
  return Number(rows[rows.length - 1].id);
}

/** Re-derives cached verdicts made by an older rule-set version; returns how many. */
export async function rederiveVerdicts(db: Kysely<Database>): Promise<number> {
  let changed = 0;
  for (;;) {
    const rows = await db
      .selectFrom('entries')
      .select(['id', 'facts'])
      .where('verdict_version', '!=', VERDICT_RULES_VERSION)
      .limit(1000)
      .execute();
    if (rows.length === 0) return changed;
    await db.transaction().execute(async (trx) => {
      for (const r of rows) {
        const verdicts = deriveVerdicts(FACTS_SCHEMA.parse(JSON.parse(r.facts)));
        await trx
          .updateTable('entries')
          .set({ verdicts: JSON.stringify(verdicts), verdict_version: VERDICT_RULES_VERSION })
          .where('id', '=', r.id)
          .execute();
      }
    });
    changed += rows.length;
  }
}
