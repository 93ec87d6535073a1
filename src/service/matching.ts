/**
 * Matching use cases: match a batch of signals or an image against the banks the caller may
 * match, report a false positive, and read statistics. The engine finds candidates in memory;
 * the bank policy (core/policy/match-policy.ts) filters them; the store supplies the few hit
 * entries' verdicts and re-checks they are confirmed. Records are written by the MatchRecorder.
 */
import { parsePdqHex, type PdqHash } from '../core/pdq/pdq-hash.js';
import {
  applyMatchPolicy,
  suppressAcrossMedia,
  type BankMatchPolicy,
  type CandidateHit,
} from '../core/policy/match-policy.js';
import { KhienError } from '../errors/index.js';
import type { MatchEventsTable } from '../store/database.js';
import { hasBankAccess, requireRole } from './authorisation.js';
import type { Entries } from './entries.js';
import { newId } from './ids.js';
import type { ServiceContext } from './service-context.js';
import { normaliseSignal } from './signal-input.js';
import { checkDay, checkRange } from './time-input.js';
import { inWriteTransaction } from './write-transaction.js';
import type {
  Actor,
  MatchFeedbackInput,
  MatchFeedbackResult,
  MatchHit,
  MatchImageInput,
  MatchInput,
  MatchResult,
  QueryResult,
  SignalType,
  Statistics,
  StatisticsInput,
  EntryStatus,
  Verdicts,
} from './types.js';

/** One query: a signal, and for an image's PDQ its dihedral variants and quality. */
interface Query {
  readonly type: SignalType;
  readonly value: string;
  /** PDQ quality: computed from an upload, or sent by the caller; null when unknown. */
  readonly quality: number | null;
  readonly variants?: readonly string[];
}

interface HitEntry {
  readonly entryId: string;
  readonly verdicts: Verdicts;
  readonly confirmations: number;
}

export class Matching {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly entries: Entries,
    private readonly isReady: () => boolean,
  ) {}

  async match(actor: Actor, input: MatchInput): Promise<MatchResult> {
    requireRole(actor, 'matcher');
    const signals = input?.signals;
    if (!Array.isArray(signals) || signals.length === 0) {
      throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', 'signals must be a non-empty list');
    }
    if (signals.length > this.ctx.config.maxBatchSize) {
      throw new KhienError(
        'KHIEN_ERR_BATCH_TOO_LARGE',
        `a match request may carry at most ${this.ctx.config.maxBatchSize} signals, got ${signals.length}`,
        { max: this.ctx.config.maxBatchSize, got: signals.length },
      );
    }
    const queries = signals.map((s, i) =>
      normaliseSignal({ type: s?.type, value: s?.value, quality: s?.quality }, i),
    );
    return this.run(actor, queries, false);
  }

  async matchImage(actor: Actor, input: MatchImageInput): Promise<MatchResult> {
    requireRole(actor, 'matcher');
    const hash = this.ctx.hashImage;
    if (!hash)
      throw new KhienError('KHIEN_ERR_INTERNAL', 'image hashing is not available in this process');
    const h = await hash(input.image, { dihedral: true });
    return this.run(
      actor,
      [
        { type: 'pdq', value: h.pdq, quality: h.quality, variants: h.dihedral ?? [h.pdq] },
        { type: 'md5', value: h.md5, quality: null },
        { type: 'sha1', value: h.sha1, quality: null },
        { type: 'sha256', value: h.sha256, quality: null },
      ],
      true,
    );
  }

  async feedback(
    actor: Actor,
    matchId: string,
    input: MatchFeedbackInput,
  ): Promise<MatchFeedbackResult> {
    requireRole(actor, 'matcher');
    if (input?.kind !== 'false_positive') {
      throw new KhienError(
        'KHIEN_ERR_INVALID_ARGUMENT',
        `feedback kind must be false_positive, got ${JSON.stringify(input?.kind)}`,
      );
    }
    await this.ctx.recorder.flush();
    const event = await this.ctx.store.db
      .selectFrom('match_events')
      .selectAll()
      .where('id', '=', matchId)
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst();
    if (!event) {
      throw new KhienError(
        'KHIEN_ERR_MATCH_NOT_FOUND',
        `no match ${JSON.stringify(matchId)} was reported to ${actor.orgId}`,
        {
          matchId,
        },
      );
    }
    const reason =
      `false positive reported by ${actor.orgId} on match ${matchId}: ${input.reason ?? ''}`.trim();
    const status = await this.disputeIfConfirmed(actor, event.entry_id, reason);
    // Audited every time, repeats too: the dispute itself is audited only when it happens.
    await inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      await tx.trx
        .updateTable('match_events')
        .set({ feedback: input.kind })
        .where('id', '=', matchId)
        .execute();
      tx.audit({
        actor,
        action: 'match.feedback',
        subject: matchId,
        details: {
          entryId: event.entry_id,
          kind: input.kind,
          reason: input.reason ?? null,
          entryStatus: status,
        },
      });
    });
    return { matchId, entryId: event.entry_id, entryStatus: status };
  }

  async statistics(actor: Actor, input: StatisticsInput): Promise<Statistics> {
    requireRole(actor, 'admin', 'auditor', 'curator', 'matcher');
    checkRange(checkDay(input.from, 'from'), checkDay(input.to, 'to'));
    await this.ctx.recorder.flush();
    const all = actor.roles.includes('admin') || actor.roles.includes('auditor');
    const owned = new Set(
      (await this.ctx.banks.all())
        .filter((b) => all || b.ownerOrgId === actor.orgId)
        .map((b) => b.id),
    );
    const db = this.ctx.store.db;

    const statusRows = await db
      .selectFrom('entries')
      .select(['bank_id', 'status', db.fn.countAll<number>().as('n')])
      .groupBy(['bank_id', 'status'])
      .execute();
    let counters = db
      .selectFrom('match_counters')
      .select([
        'org_id',
        'bank_id',
        db.fn.sum<number>('queries').as('queries'),
        db.fn.sum<number>('hits').as('hits'),
      ])
      .groupBy(['org_id', 'bank_id']);
    if (input.from) counters = counters.where('day', '>=', input.from);
    if (input.to) counters = counters.where('day', '<=', input.to);
    const counterRows = await counters.execute();
    return shapeStatistics(statusRows, counterRows, owned, all ? null : actor.orgId);
  }

  private async disputeIfConfirmed(
    actor: Actor,
    entryId: string,
    reason: string,
  ): Promise<EntryStatus> {
    try {
      return (await this.entries.disputeFromMatch(actor, entryId, reason)).status;
    } catch (err) {
      if (!(err instanceof KhienError) || err.code !== 'KHIEN_ERR_TRANSITION_INVALID') throw err;
      return err.details.status as EntryStatus;
    }
  }

  /** `oneMedia`: the queries are signals of one file (an upload), not separate hashes. */
  private async run(
    actor: Actor,
    queries: readonly Query[],
    oneMedia: boolean,
  ): Promise<MatchResult> {
    if (!this.isReady()) {
      throw new KhienError(
        'KHIEN_ERR_NOT_READY',
        'the match index is still loading; retry shortly',
      );
    }
    const banks = await this.visibleBanks(actor);
    const maxDistance = Math.max(0, ...[...banks.values()].map((b) => b.pdqMaxDistance));
    const candidates = await Promise.all(queries.map((q) => this.candidates(q, maxDistance)));
    const outcomes = queries.map((q, i) =>
      applyMatchPolicy(candidates[i], banks, q.type === 'pdq', q.quality),
    );
    const perQuery = oneMedia ? suppressAcrossMedia(outcomes) : outcomes;
    const entries = await this.hitEntries(perQuery.flatMap((p) => p.kept.map((h) => h.signalId)));

    const at = this.ctx.now();
    const events: MatchEventsTable[] = [];
    const hitsByBank = new Map<string, number>();
    const results: QueryResult[] = queries.map((q, i) => {
      const matches: MatchHit[] = [];
      for (const h of perQuery[i].kept) {
        const e = entries.get(h.signalId);
        if (!e) continue; // changed status since the index saw it
        const hit = toHit(h, e, q.type);
        matches.push(hit);
        events.push(matchEvent(actor, at, hit, h));
        hitsByBank.set(h.bankId, (hitsByBank.get(h.bankId) ?? 0) + 1);
      }
      return {
        type: q.type,
        value: q.value,
        ...(q.type === 'pdq' ? { quality: q.quality } : {}),
        matches,
        allowListed: perQuery[i].allowListed,
        suppressed: perQuery[i].suppressed,
        lowQuality: perQuery[i].lowQuality,
      };
    });

    await this.ctx.recorder.record({
      audit: {
        actor,
        action: 'match.query',
        subject: null,
        details: {
          queries: queries.length,
          hits: events.length,
          matches: events.slice(0, 50).map((e) => e.id),
        },
      },
      events,
      day: at.slice(0, 10),
      orgId: actor.orgId,
      queries: queries.length,
      hitsByBank,
    });
    return { results };
  }

  private async candidates(q: Query, maxDistance: number): Promise<CandidateHit[]> {
    if (q.type !== 'pdq') return this.ctx.engine.searchDigest(q.type, q.value);
    const variants: PdqHash[] = (q.variants ?? [q.value]).slice(0, 8).map((v) => parsePdqHex(v));
    return this.ctx.engine.searchPdqOffloaded(variants, maxDistance);
  }

  private async visibleBanks(actor: Actor): Promise<Map<string, BankMatchPolicy>> {
    const out = new Map<string, BankMatchPolicy>();
    for (const b of await this.ctx.banks.all()) {
      if (hasBankAccess(actor, b, 'match')) out.set(b.id, { kind: b.kind, ...b.policy });
    }
    return out;
  }

  /**
   * Confirmed entries behind the hit signals, by signal id: from the engine's cache, else from
   * the store (which also re-checks that they are confirmed). The cache is emptied for a signal
   * whenever its entry changes, here or (through the sync) in another process.
   */
  private async hitEntries(signalIds: readonly number[]): Promise<Map<number, HitEntry>> {
    const out = new Map<number, HitEntry>();
    const missing: number[] = [];
    for (const id of new Set(signalIds)) {
      const cached = this.ctx.engine.cachedHit(id);
      if (cached) out.set(id, cached);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const rows = await this.ctx.store.db
      .selectFrom('signals')
      .innerJoin('entries', 'entries.id', 'signals.entry_id')
      .select([
        'signals.id as signalId',
        'entries.id as entryId',
        'entries.verdicts',
        'entries.confirmations',
      ])
      .where('signals.id', 'in', missing)
      .where('entries.status', '=', 'confirmed')
      .execute();
    for (const r of rows) {
      const info = {
        entryId: r.entryId,
        verdicts: JSON.parse(r.verdicts) as Verdicts,
        confirmations: Number(r.confirmations),
      };
      out.set(Number(r.signalId), info);
      this.ctx.engine.cacheHit(Number(r.signalId), info);
    }
    return out;
  }
}

function toHit(h: CandidateHit, e: HitEntry, type: SignalType): MatchHit {
  return {
    matchId: newId('m', true),
    entryId: e.entryId,
    bankId: h.bankId,
    signalType: type,
    distance: h.distance,
    variant: h.variant,
    verdicts: e.verdicts,
    confirmations: e.confirmations,
  };
}

function matchEvent(actor: Actor, at: string, hit: MatchHit, h: CandidateHit): MatchEventsTable {
  return {
    id: hit.matchId,
    at,
    org_id: actor.orgId,
    key_id: actor.keyId,
    request_id: actor.requestId,
    bank_id: hit.bankId,
    entry_id: hit.entryId,
    signal_id: h.signalId,
    signal_type: hit.signalType,
    distance: hit.distance,
    feedback: null,
  };
}

function shapeStatistics(
  statusRows: readonly { bank_id: string; status: string; n: number }[],
  counterRows: readonly { org_id: string; bank_id: string; queries: number; hits: number }[],
  owned: ReadonlySet<string>,
  onlyOrg: string | null,
): Statistics {
  const byBank = new Map<string, Partial<Record<EntryStatus, number>>>();
  for (const r of statusRows) {
    if (!owned.has(r.bank_id)) continue;
    const m = byBank.get(r.bank_id) ?? {};
    m[r.status as EntryStatus] = Number(r.n);
    byBank.set(r.bank_id, m);
  }
  const bankHits = new Map<string, number>();
  const callers = new Map<string, { queries: number; hits: number }>();
  for (const r of counterRows) {
    if (r.bank_id !== '' && owned.has(r.bank_id))
      bankHits.set(r.bank_id, (bankHits.get(r.bank_id) ?? 0) + Number(r.hits));
    if (r.bank_id === '' && (onlyOrg === null || r.org_id === onlyOrg)) {
      callers.set(r.org_id, { queries: Number(r.queries), hits: Number(r.hits) });
    }
  }
  return {
    entriesByBank: [...byBank].map(([bankId, byStatus]) => ({ bankId, byStatus })),
    matchesByBank: [...bankHits].map(([bankId, hits]) => ({ bankId, hits })),
    matchesByCaller: [...callers].map(([orgId, c]) => ({ orgId, ...c })),
  };
}
