/**
 * Entry records in the store: checking a new entry's content, finding duplicates, inserting an
 * entry with its signals and first transition, reviews, and reading entries back with their
 * signals and history. Shared by the entry use cases (entries.ts) and imports.
 */
import type { Transaction } from 'kysely';
import { FACTS_SCHEMA, type Facts } from '../core/policy/facts.js';
import { deriveVerdicts, VERDICT_RULES_VERSION } from '../core/policy/verdict-rules.js';
import { KhienError } from '../errors/index.js';
import type { Database, EntriesTable } from '../store/database.js';
import { newId } from './ids.js';
import { toEntry, toSignal } from './row-mapping.js';
import { checkQuality, normaliseSignal, type NormalSignal } from './signal-input.js';
import type {
  Actor,
  Bank,
  Entry,
  EntryDetail,
  EntryStatus,
  FactsInput,
  ReviewDecision,
  Signal,
} from './types.js';
import type { WriteTx } from './write-transaction.js';

/** A new entry's content, checked. */
export interface NewEntry {
  readonly bank: Bank;
  readonly signals: readonly NormalSignal[];
  readonly facts: Facts;
  readonly note: string;
  readonly source: string;
  readonly externalId: string | null;
}

/** Checks a new entry's signals, facts and note against the bank. */
export function checkNewEntry(
  bank: Bank,
  signals: unknown,
  facts: FactsInput | undefined,
  note: unknown,
  source: string,
  externalId: string | null,
): NewEntry {
  if (!Array.isArray(signals) || signals.length === 0 || signals.length > 16) {
    throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', 'an entry needs 1..16 signals');
  }
  const normal = signals.map((s, i) => normaliseSignal(s, i));
  normal.forEach((s, i) => checkQuality(s, bank.policy.minQuality, i));
  refuseRepeats(normal);
  if (note !== undefined && (typeof note !== 'string' || note.length > 4000)) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      'note must be text of at most 4000 characters',
    );
  }
  if (externalId !== null && (typeof externalId !== 'string' || externalId.length > 200)) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      'externalId must be text of at most 200 characters',
    );
  }
  return {
    bank,
    signals: normal,
    facts: parseFacts(facts),
    note: (note as string) ?? '',
    source,
    externalId,
  };
}

/** One entry is one piece of media: the same signal twice in it would match twice. */
function refuseRepeats(signals: readonly NormalSignal[]): void {
  const seen = new Map<string, number>();
  signals.forEach((s, i) => {
    const key = `${s.type}:${s.value}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new KhienError(
        'KHIEN_ERR_INVALID_ARGUMENT',
        `signals[${i}] repeats signals[${first}] (the same ${s.type} value); give each signal once`,
        { index: i, repeats: first, type: s.type },
      );
    }
    seen.set(key, i);
  });
}

/** Facts with defaults applied, or KHIEN_ERR_FACTS_INVALID naming the field. */
export function parseFacts(facts: unknown): Facts {
  const parsed = FACTS_SCHEMA.safeParse(facts ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new KhienError(
    'KHIEN_ERR_FACTS_INVALID',
    `facts.${issue.path.join('.') || '(root)'}: ${issue.message}`,
    { path: issue.path, issues: parsed.error.issues.length },
  );
}

/** Refuses signals already held by a live entry of the bank. */
export async function refuseDuplicates(
  tx: WriteTx,
  bankId: string,
  signals: readonly NormalSignal[],
): Promise<void> {
  for (const s of signals) {
    const dup = await findDuplicate(tx.trx, bankId, s);
    if (dup) {
      throw new KhienError(
        'KHIEN_ERR_SIGNAL_DUPLICATE',
        `bank ${bankId} already holds this ${s.type} signal in entry ${dup}`,
        { entryId: dup, type: s.type },
      );
    }
  }
}

/** The id of a live entry of the bank holding the signal, if any. */
export async function findDuplicate(
  trx: Transaction<Database>,
  bankId: string,
  s: NormalSignal,
): Promise<string | undefined> {
  const row = await trx
    .selectFrom('signals')
    .innerJoin('entries', 'entries.id', 'signals.entry_id')
    .select('entries.id')
    .where('signals.bank_id', '=', bankId)
    .where('signals.type', '=', s.type)
    .where('signals.value', '=', s.value)
    .where('entries.status', '!=', 'deleted')
    .executeTakeFirst();
  return row?.id;
}

/** The entries row of a new entry: no confirmation yet, verdicts derived by the current rules. */
export function newEntryRow(tx: WriteTx, actor: Actor, e: NewEntry, status: string): EntriesTable {
  return {
    id: newId('ent', true),
    bank_id: e.bank.id,
    status,
    contributor_org_id: actor.orgId,
    contributor_key_id: actor.keyId,
    source: e.source,
    external_id: e.externalId,
    created_at: tx.at,
    updated_at: tx.at,
    facts: JSON.stringify(e.facts),
    note: e.note,
    confirmations: 0,
    verdicts: JSON.stringify(deriveVerdicts(e.facts)),
    verdict_version: VERDICT_RULES_VERSION,
    disabled_reason: null,
    disabled_until: null,
    deleted_at: null,
  };
}

/** Inserts an entry, its signals and its first transition; returns it. */
export async function insertEntry(
  tx: WriteTx,
  actor: Actor,
  e: NewEntry,
  status: 'pending' | 'confirmed',
  reason = 'contributed',
): Promise<Entry> {
  const row = newEntryRow(tx, actor, e, status);
  await tx.trx.insertInto('entries').values(row).execute();
  const signals: Signal[] = [];
  for (const s of e.signals) {
    const inserted = await tx.trx
      .insertInto('signals')
      .values({
        entry_id: row.id,
        bank_id: e.bank.id,
        type: s.type,
        value: s.value,
        quality: s.quality,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    signals.push({ id: Number(inserted.id), type: s.type, value: s.value, quality: s.quality });
  }
  await tx.trx
    .insertInto('entry_transitions')
    .values({
      entry_id: row.id,
      at: tx.at,
      org_id: actor.orgId,
      key_id: actor.keyId,
      from_status: null,
      to_status: status,
      reason,
      until: null,
    })
    .execute();
  return toEntry(row, signals);
}

export async function insertReview(
  tx: WriteTx,
  actor: Actor,
  entryId: string,
  decision: ReviewDecision,
  reason: string,
): Promise<void> {
  const prior = await tx.trx
    .selectFrom('reviews')
    .select('decision')
    .where('entry_id', '=', entryId)
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  if (prior) {
    throw new KhienError(
      'KHIEN_ERR_REVIEW_DUPLICATE',
      `organisation ${actor.orgId} already reviewed entry ${entryId} (${prior.decision})`,
      { entryId, decision: prior.decision },
    );
  }
  await tx.trx
    .insertInto('reviews')
    .values({
      entry_id: entryId,
      org_id: actor.orgId,
      key_id: actor.keyId,
      decision,
      reason,
      at: tx.at,
    })
    .execute();
}

export async function entryRow(trx: Transaction<Database>, entryId: string): Promise<EntriesTable> {
  const row = await trx
    .selectFrom('entries')
    .selectAll()
    .where('id', '=', entryId)
    .executeTakeFirst();
  if (!row) {
    throw new KhienError(
      'KHIEN_ERR_ENTRY_NOT_FOUND',
      `no entry has id ${JSON.stringify(entryId)}`,
      { entryId },
    );
  }
  return row;
}

/** Signals of the given entries, by entry id, in id order. */
export async function signalsOf(
  trx: Transaction<Database>,
  entryIds: readonly string[],
): Promise<Map<string, Signal[]>> {
  const out = new Map<string, Signal[]>();
  if (entryIds.length === 0) return out;
  const rows = await trx
    .selectFrom('signals')
    .select(['id', 'entry_id', 'type', 'value', 'quality'])
    .where('entry_id', 'in', [...entryIds])
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.entry_id) ?? [];
    list.push(toSignal(r));
    out.set(r.entry_id, list);
  }
  return out;
}

export async function readDetail(
  trx: Transaction<Database>,
  row: EntriesTable,
): Promise<EntryDetail> {
  const signals = await signalsOf(trx, [row.id]);
  const transitions = await trx
    .selectFrom('entry_transitions')
    .selectAll()
    .where('entry_id', '=', row.id)
    .orderBy('id')
    .execute();
  const reviews = await trx
    .selectFrom('reviews')
    .selectAll()
    .where('entry_id', '=', row.id)
    .orderBy('at')
    .execute();
  return {
    ...toEntry(row, signals.get(row.id) ?? []),
    transitions: transitions.map((t) => ({
      at: t.at,
      orgId: t.org_id,
      keyId: t.key_id,
      from: t.from_status as EntryStatus | null,
      to: t.to_status as EntryStatus,
      reason: t.reason,
      until: t.until,
    })),
    reviews: reviews.map((r) => ({
      orgId: r.org_id,
      keyId: r.key_id,
      decision: r.decision as ReviewDecision,
      reason: r.reason,
      at: r.at,
    })),
  };
}
