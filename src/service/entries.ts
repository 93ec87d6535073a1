/**
 * Entry use cases: contribution (by hashes or by image), review, dispute resolution, disabling,
 * deletion, and reading. Every status change goes through the pure lifecycle
 * (core/policy/entry-lifecycle.ts), is recorded as a transition with who, when and why, is
 * audited in the same transaction, and updates the match engine right after the commit.
 */
import {
  applyLifecycleEvent,
  isMatchable,
  type LifecycleEvent,
} from '../core/policy/entry-lifecycle.js';
import { isKhienError, KhienError } from '../errors/index.js';
import type { EntriesTable } from '../store/database.js';
import {
  hasBankAccess,
  requireBankAccess,
  requireBankOwner,
  requireRole,
} from './authorisation.js';
import {
  checkNewEntry,
  entryRow,
  insertEntry,
  insertReview,
  readDetail,
  refuseDuplicates,
  signalsOf,
} from './entry-records.js';
import { checkTime } from './time-input.js';
import { toEntry } from './row-mapping.js';
import type { ServiceContext } from './service-context.js';
import type {
  Actor,
  Bank,
  ContributeImageInput,
  ContributeInput,
  DisableInput,
  Entry,
  EntryDetail,
  EntryPage,
  EntryStatus,
  ListEntriesInput,
  ReviewDecision,
  ReviewInput,
} from './types.js';
import { inWriteTransaction, type WriteTx } from './write-transaction.js';

export type { NewEntry } from './entry-records.js';

/** The system actor of maintenance passes (expiry of `disabledUntil`). */
const SYSTEM = { orgId: 'system', keyId: 'system', roles: [], requestId: 'maintenance' } as const;

interface TransitionOptions {
  readonly reason: string;
  readonly until?: string | null;
  /** Checks the actor may do this to this entry of this bank (throws if not). */
  readonly authorise: (bank: Bank, row: EntriesTable) => void;
  readonly review?: ReviewDecision;
}

export class Entries {
  constructor(private readonly ctx: ServiceContext) {}

  async contribute(actor: Actor, input: ContributeInput): Promise<Entry> {
    requireRole(actor, 'contributor');
    const bank = await this.ctx.banks.get(input.bankId);
    requireBankAccess(actor, bank, 'contribute');
    const entry = checkNewEntry(
      bank,
      input.signals,
      input.facts,
      input.note,
      '',
      input.externalId ?? null,
    );
    return inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      await refuseDuplicates(tx, bank.id, entry.signals);
      const created = await insertEntry(tx, actor, entry, 'pending');
      tx.audit({
        actor,
        action: 'entry.contribute',
        subject: created.id,
        details: { bankId: bank.id, signals: entry.signals.map((s) => s.type) },
      });
      return created;
    });
  }

  async contributeImage(actor: Actor, input: ContributeImageInput): Promise<Entry> {
    requireRole(actor, 'contributor');
    const bank = await this.ctx.banks.get(input.bankId);
    requireBankAccess(actor, bank, 'contribute');
    const h = await this.hasher()(input.image, { dihedral: false });
    const signals = [
      { type: 'pdq' as const, value: h.pdq, quality: h.quality },
      { type: 'md5' as const, value: h.md5 },
      { type: 'sha1' as const, value: h.sha1 },
      { type: 'sha256' as const, value: h.sha256 },
    ];
    return this.contribute(actor, { ...input, signals });
  }

  async review(actor: Actor, entryId: string, input: ReviewInput): Promise<Entry> {
    requireRole(actor, 'reviewer');
    const decision = input.decision;
    if (!['confirm', 'reject', 'dispute'].includes(decision)) {
      throw new KhienError(
        'KHIEN_ERR_INVALID_ARGUMENT',
        `decision must be confirm, reject or dispute, got ${JSON.stringify(decision)}`,
      );
    }
    return this.transition(actor, entryId, decision, {
      reason: input.reason ?? '',
      review: decision,
      authorise: (bank, row) => {
        requireBankAccess(actor, bank, 'view');
        if (row.contributor_org_id === actor.orgId) {
          throw new KhienError(
            'KHIEN_ERR_REVIEW_OWN_ORGANISATION',
            `entry ${entryId} was contributed by the reviewer's own organisation; another must review it`,
            { entryId },
          );
        }
      },
    });
  }

  /** Curator of the owner: `resolve_confirm`, `resolve_disable`, `disable`, `enable`, `delete`. */
  async curate(
    actor: Actor,
    entryId: string,
    event: LifecycleEvent,
    reason: string,
    until: string | null = null,
  ): Promise<Entry> {
    requireRole(actor, 'curator');
    return this.transition(actor, entryId, event, {
      reason,
      until: checkTime(until, 'until', this.ctx.now()),
      authorise: (bank) => requireBankOwner(actor, bank),
    });
  }

  async disable(actor: Actor, entryId: string, input: DisableInput): Promise<Entry> {
    if (typeof input.reason !== 'string' || input.reason.trim() === '') {
      throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', 'disabling an entry needs a reason');
    }
    return this.curate(actor, entryId, 'disable', input.reason, input.until ?? null);
  }

  /** A matcher's false-positive report: disputes the entry (it stops matching at once). */
  async disputeFromMatch(actor: Actor, entryId: string, reason: string): Promise<Entry> {
    return this.transition(actor, entryId, 'dispute', { reason, authorise: () => undefined });
  }

  /** Re-enables entries whose `disabledUntil` has passed. */
  async expireDisabled(): Promise<number> {
    const due = await this.ctx.store.db
      .selectFrom('entries')
      .select('id')
      .where('status', '=', 'disabled')
      .where('disabled_until', '<=', this.ctx.now())
      .execute();
    let enabled = 0;
    for (const { id } of due) {
      try {
        await this.transition(SYSTEM, id, 'enable', {
          reason: 'disabled period ended',
          authorise: () => undefined,
        });
        enabled += 1;
      } catch (err) {
        // Another process got there first, or a curator changed it meanwhile.
        if (!isKhienError(err, 'KHIEN_ERR_TRANSITION_INVALID')) throw err;
      }
    }
    return enabled;
  }

  async get(actor: Actor, entryId: string): Promise<EntryDetail> {
    return inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      const row = await entryRow(tx.trx, entryId);
      const bank = await this.ctx.banks.get(row.bank_id, tx.trx);
      requireEntryReader(actor, bank, row);
      const detail = await readDetail(tx.trx, row);
      tx.audit({
        actor,
        action: 'entry.read',
        subject: entryId,
        details: { bankId: bank.id, status: row.status },
      });
      return detail;
    });
  }

  async list(actor: Actor, input: ListEntriesInput): Promise<EntryPage> {
    requireRole(actor, 'curator', 'reviewer', 'contributor', 'auditor');
    const bank = await this.ctx.banks.get(input.bankId);
    requireBankAccess(actor, bank, 'view');
    const limit = Math.min(Math.max(Math.trunc(input.limit ?? 100), 1), 1000);
    return inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      let q = tx.trx.selectFrom('entries').selectAll().where('bank_id', '=', bank.id);
      if (input.status) q = q.where('status', '=', input.status);
      if (input.after) q = q.where('id', '>', input.after);
      const rows = await q
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const signals = await signalsOf(
        tx.trx,
        page.map((r) => r.id),
      );
      const entries = page.map((r) => toEntry(r, signals.get(r.id) ?? []));
      tx.audit({
        actor,
        action: 'entry.list',
        subject: bank.id,
        details: {
          count: entries.length,
          status: input.status ?? null,
          after: input.after ?? null,
        },
      });
      return { entries, next: rows.length > limit ? page[page.length - 1].id : null };
    });
  }

  private async transition(
    actor: Actor,
    entryId: string,
    event: LifecycleEvent,
    opts: TransitionOptions,
  ): Promise<Entry> {
    return inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      const row = await entryRow(tx.trx, entryId);
      const bank = await this.ctx.banks.get(row.bank_id, tx.trx);
      opts.authorise(bank, row);
      if (opts.review) await insertReview(tx, actor, entryId, opts.review, opts.reason);

      const from = row.status as EntryStatus;
      const next = applyLifecycleEvent(
        { status: from, confirmations: Number(row.confirmations) },
        event,
        this.ctx.config.reviewsRequired,
      );
      const updated = await this.writeState(tx, actor, row, next, event, opts);
      tx.audit({
        actor,
        action: `entry.${event}`,
        subject: entryId,
        details: {
          bankId: bank.id,
          from,
          to: next.status,
          reason: opts.reason,
          until: opts.until ?? null,
        },
      });

      const signals = await signalsOf(tx.trx, [entryId]);
      const entry = toEntry(updated, signals.get(entryId) ?? []);
      tx.afterCommit(() => this.syncEngine(from, entry));
      return entry;
    });
  }

  private async writeState(
    tx: WriteTx,
    actor: Actor,
    row: EntriesTable,
    next: { status: EntryStatus; confirmations: number },
    event: LifecycleEvent,
    opts: TransitionOptions,
  ): Promise<EntriesTable> {
    const disabling = next.status === 'disabled';
    const patch = {
      status: next.status,
      confirmations: next.confirmations,
      updated_at: tx.at,
      disabled_reason: disabling ? opts.reason : null,
      disabled_until: disabling ? (opts.until ?? null) : null,
      deleted_at: next.status === 'deleted' ? tx.at : row.deleted_at,
    };
    await tx.trx.updateTable('entries').set(patch).where('id', '=', row.id).execute();
    if (next.status !== row.status || event !== 'confirm') {
      await tx.trx
        .insertInto('entry_transitions')
        .values({
          entry_id: row.id,
          at: tx.at,
          org_id: actor.orgId,
          key_id: actor.keyId,
          from_status: row.status,
          to_status: next.status,
          reason: opts.reason || event,
          until: opts.until ?? null,
        })
        .execute();
    }
    return { ...row, ...patch };
  }

  /** Adds or removes the entry's signals so the engine matches only confirmed entries. */
  private syncEngine(from: EntryStatus, entry: Entry): void {
    for (const s of entry.signals) this.ctx.engine.invalidate(s.id);
    const was = isMatchable(from);
    const is = isMatchable(entry.status);
    if (was === is) return;
    for (const s of entry.signals) {
      if (is) this.ctx.engine.add({ id: s.id, type: s.type, value: s.value, bankId: entry.bankId });
      else this.ctx.engine.remove(s.id);
    }
  }

  private hasher() {
    const h = this.ctx.hashImage;
    if (!h)
      throw new KhienError('KHIEN_ERR_INTERNAL', 'image hashing is not available in this process');
    return h;
  }
}

/** Readers: the contributing organisation, auditors, and the bank's owner and viewers. */
function requireEntryReader(actor: Actor, bank: Bank, row: EntriesTable): void {
  requireRole(actor, 'curator', 'reviewer', 'contributor', 'auditor');
  if (row.contributor_org_id === actor.orgId) return;
  if (actor.roles.includes('auditor') || hasBankAccess(actor, bank, 'view')) return;
  requireBankAccess(actor, bank, 'view');
}
