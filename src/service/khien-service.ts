/**
 * KhienService: every use case of the hash database, in one place, for the HTTP server and the
 * CLI. Each method takes the calling Actor, checks its roles and bank visibility, does the work
 * in one store transaction with its audit row, and keeps the in-memory match engine in step so
 * that a confirmed entry matches, and a disputed, disabled or deleted one stops matching, as
 * soon as the method returns.
 */
import type { Config } from '../config/index.js';
import { KhienError } from '../errors/index.js';
import { logger } from '../log/logger.js';
import type { Store } from '../store/open-store.js';
import { queryAuditLog, verifyAuditChain } from './audit-queries.js';
import { requireBankAccess, requireRole } from './authorisation.js';
import { BankDirectory } from './bank-directory.js';
import { Banks } from './banks.js';
import {
  lastTransitionId,
  loadEngine,
  rederiveVerdicts,
  replayTransitions,
} from './engine-loader.js';
import { Entries } from './entries.js';
import { exportRecords } from './export-bank.js';
import type { HashImage } from './image-hashing.js';
import { runImport } from './import-job.js';
import { MatchEngine, type IndexFactory, type PdqSearchOffload } from './match-engine.js';
import { MatchRecorder } from './match-recorder.js';
import { Matching } from './matching.js';
import { Parties } from './parties.js';
import { checkRange, checkTime } from './time-input.js';
import type { ServiceContext } from './service-context.js';
import { inWriteTransaction } from './write-transaction.js';
import type {
  Actor,
  ApiKeyInfo,
  AuditPage,
  AuditQuery,
  AuditVerification,
  Bank,
  BootstrapInput,
  BootstrapResult,
  ContributeImageInput,
  ContributeInput,
  CreateBankInput,
  CreatedKey,
  CreateKeyInput,
  CreateOrganisationInput,
  DisableInput,
  Entry,
  EntryDetail,
  EntryPage,
  ExportRecord,
  ImportInput,
  ImportReport,
  ListEntriesInput,
  MatchFeedbackInput,
  MatchFeedbackResult,
  MatchImageInput,
  MatchInput,
  MatchResult,
  Organisation,
  ReasonInput,
  ResolveDisputeInput,
  ReviewInput,
  ServiceHealth,
  Statistics,
  StatisticsInput,
  UpdateBankInput,
} from './types.js';

/** What a service is built from. */
export interface KhienServiceDeps {
  readonly store: Store;
  readonly config: Config;
  /** Image hashing for contribute/match by upload; without it those refuse. */
  readonly hashImage?: HashImage;
  /** Makes the PDQ and digest indexes; default: the best index in src/core/index. */
  readonly indexFactory?: IndexFactory;
  /** False for processes that never match (CLI import): the engine then holds nothing. */
  readonly matchEngine?: boolean;
  /** Runs the PDQ searches of match requests off the event loop (the caller closes it). */
  readonly searchOffload?: PdqSearchOffload;
  /** The clock (tests pin it). */
  readonly now?: () => Date;
}

/** How often changes made by other processes are replayed into the engine. */
const SYNC_MS = 1000;
/** How often entries whose disabled period ended are re-enabled. */
const EXPIRY_MS = 60_000;

export class KhienService {
  private readonly ctx: ServiceContext;
  private readonly parties: Parties;
  private readonly bankUseCases: Banks;
  private readonly entries: Entries;
  private readonly matching: Matching;
  private ready = false;
  private loadMs: number | null = null;
  private transitionMark = 0;
  private timers: NodeJS.Timeout[] = [];
  private syncing: Promise<void> = Promise.resolve();

  constructor(readonly deps: KhienServiceDeps) {
    const now = () => (deps.now ? deps.now() : new Date()).toISOString();
    this.ctx = {
      store: deps.store,
      config: deps.config,
      engine: new MatchEngine(deps.indexFactory, deps.matchEngine !== false),
      banks: new BankDirectory(deps.store.db),
      recorder: new MatchRecorder(deps.store, deps.config.matchRecordFlushMs, now),
      hashImage: deps.hashImage,
      now,
    };
    this.ctx.engine.useSearchOffload(deps.searchOffload ?? null);
    this.parties = new Parties(this.ctx);
    this.bankUseCases = new Banks(this.ctx);
    this.entries = new Entries(this.ctx);
    this.matching = new Matching(this.ctx, this.entries, () => this.ready);
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /**
   * Re-derives verdicts of an older rule-set version, loads every confirmed signal into the
   * engine (rebuilt from the store: the index snapshot format is not wired in yet), and starts
   * the replay of other processes' changes. `background: false` (tests, CLI) skips the timers.
   */
  async start(opts: { background?: boolean } = {}): Promise<void> {
    const t0 = performance.now();
    const rederived = await rederiveVerdicts(this.ctx.store.db);
    this.transitionMark = await lastTransitionId(this.ctx.store.db);
    const loaded = await loadEngine(this.ctx.store.db, this.ctx.engine);
    await this.syncNow();
    this.loadMs = Math.round(performance.now() - t0);
    this.ready = true;
    logger.info({ loaded, rederived, durationMs: this.loadMs }, 'match engine loaded');
    if (opts.background !== false) this.startTimers();
  }

  /** Readiness for /readyz: false until start() has loaded every confirmed signal. */
  health(): ServiceHealth {
    return { ready: this.ready, indexedSignals: this.ctx.engine.size, loadMs: this.loadMs };
  }

  /** Writes buffered match records and stops the timers; does not close the store. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.syncing;
    await this.ctx.recorder.flush();
  }

  /** Writes buffered match records now (statistics and feedback do this themselves). */
  async flush(): Promise<void> {
    await this.ctx.recorder.flush();
  }

  /** Replays changes other processes made to entries into the engine. */
  async syncNow(): Promise<void> {
    // A failed run (the store unreachable for a moment) must not fail every later one: chained
    // on a rejected promise, none of them would run again.
    this.syncing = this.syncing
      .catch(() => undefined)
      .then(async () => {
        for (;;) {
          const mark = await replayTransitions(
            this.ctx.store.db,
            this.ctx.engine,
            this.transitionMark,
          );
          if (mark === this.transitionMark) return;
          this.transitionMark = mark;
        }
      });
    return this.syncing;
  }

  /** Re-enables entries whose `disabledUntil` has passed; returns how many. */
  async expireDisabled(): Promise<number> {
    return this.entries.expireDisabled();
  }

  private startTimers(): void {
    const log = (what: string) => (err: unknown) => logger.error({ err }, `${what} failed`);
    const sync = setInterval(() => void this.syncNow().catch(log('engine sync')), SYNC_MS);
    const expiry = setInterval(() => void this.expireDisabled().catch(log('expiry')), EXPIRY_MS);
    for (const t of [sync, expiry]) t.unref();
    this.timers.push(sync, expiry);
  }

  // --- parties -------------------------------------------------------------------------------

  /** Turns a raw `khien_<id>_<secret>` key into an Actor, or KHIEN_ERR_UNAUTHENTICATED/…. */
  async authenticate(rawKey: string, requestId: string): Promise<Actor> {
    return this.parties.authenticate(rawKey, requestId);
  }

  /** Creates the first organisation and an admin key; refuses once any organisation exists. */
  async bootstrap(input: BootstrapInput): Promise<BootstrapResult> {
    return this.parties.bootstrap(input);
  }

  async createOrganisation(actor: Actor, input: CreateOrganisationInput): Promise<Organisation> {
    return this.parties.createOrganisation(actor, input);
  }

  async listOrganisations(actor: Actor): Promise<Organisation[]> {
    return this.parties.listOrganisations(actor);
  }

  async getOrganisation(actor: Actor, orgId: string): Promise<Organisation> {
    return this.parties.getOrganisation(actor, orgId);
  }

  /** Admin: a key for any organisation. The raw key is in the answer and nowhere else. */
  async createKey(actor: Actor, input: CreateKeyInput): Promise<CreatedKey> {
    return this.parties.createKey(actor, input);
  }

  /** Admin: every key, or one organisation's. */
  async listKeys(actor: Actor, filter: { orgId?: string } = {}): Promise<ApiKeyInfo[]> {
    return this.parties.listKeys(actor, filter);
  }

  async revokeKey(actor: Actor, keyId: string): Promise<ApiKeyInfo> {
    return this.parties.revokeKey(actor, keyId);
  }

  // --- banks ---------------------------------------------------------------------------------

  /** Curator: a bank owned by the caller's organisation. */
  async createBank(actor: Actor, input: CreateBankInput): Promise<Bank> {
    return this.bankUseCases.create(actor, input);
  }

  /** The banks the caller's organisation owns or is listed on (any list); admins see all. */
  async listBanks(actor: Actor): Promise<Bank[]> {
    return this.bankUseCases.list(actor);
  }

  async getBank(actor: Actor, bankId: string): Promise<Bank> {
    return this.bankUseCases.get(actor, bankId);
  }

  /** Curator of the owning organisation. */
  async updateBank(actor: Actor, bankId: string, input: UpdateBankInput): Promise<Bank> {
    return this.bankUseCases.update(actor, bankId, input);
  }

  // --- entries -------------------------------------------------------------------------------

  /** Contributor: a new pending entry from fingerprints hashed by the caller. */
  async contribute(actor: Actor, input: ContributeInput): Promise<Entry> {
    return this.entries.contribute(actor, input);
  }

  /** Contributor: a new pending entry from an image hashed here and then dropped. */
  async contributeImage(actor: Actor, input: ContributeImageInput): Promise<Entry> {
    return this.entries.contributeImage(actor, input);
  }

  /** Reviewer from another organisation than the contributor: confirm, reject or dispute. */
  async review(actor: Actor, entryId: string, input: ReviewInput): Promise<Entry> {
    return this.entries.review(actor, entryId, input);
  }

  /** Curator of the bank's owner: settle a dispute by confirming or disabling. */
  async resolveDispute(actor: Actor, entryId: string, input: ResolveDisputeInput): Promise<Entry> {
    const event = input?.outcome === 'confirm' ? 'resolve_confirm' : 'resolve_disable';
    if (input?.outcome !== 'confirm' && input?.outcome !== 'disable') {
      throw new KhienError(
        'KHIEN_ERR_INVALID_ARGUMENT',
        `outcome must be confirm or disable, got ${JSON.stringify(input?.outcome)}`,
      );
    }
    return this.entries.curate(actor, entryId, event, input.reason ?? '');
  }

  async disableEntry(actor: Actor, entryId: string, input: DisableInput): Promise<Entry> {
    return this.entries.disable(actor, entryId, input);
  }

  async enableEntry(actor: Actor, entryId: string, input: ReasonInput = {}): Promise<Entry> {
    return this.entries.curate(actor, entryId, 'enable', input.reason ?? '');
  }

  /** Curator: deletes the entry, keeping a tombstone (status `deleted`) for exports. */
  async deleteEntry(actor: Actor, entryId: string, input: ReasonInput = {}): Promise<Entry> {
    return this.entries.curate(actor, entryId, 'delete', input.reason ?? '');
  }

  /** An entry with verdicts, transitions and reviews; audited as a read. */
  async getEntry(actor: Actor, entryId: string): Promise<EntryDetail> {
    return this.entries.get(actor, entryId);
  }

  async listEntries(actor: Actor, input: ListEntriesInput): Promise<EntryPage> {
    return this.entries.list(actor, input);
  }

  // --- matching ------------------------------------------------------------------------------

  /** Matcher: per query signal, the confirmed entries of banks the caller may match against. */
  async match(actor: Actor, input: MatchInput): Promise<MatchResult> {
    return this.matching.match(actor, input);
  }

  /** Matcher: hashes the image in memory (with dihedral variants) and matches its signals. */
  async matchImage(actor: Actor, input: MatchImageInput): Promise<MatchResult> {
    return this.matching.matchImage(actor, input);
  }

  /** Matcher who received the match: reports a false positive, which disputes the entry. */
  async matchFeedback(
    actor: Actor,
    matchId: string,
    input: MatchFeedbackInput,
  ): Promise<MatchFeedbackResult> {
    return this.matching.feedback(actor, matchId, input);
  }

  async statistics(actor: Actor, input: StatisticsInput = {}): Promise<Statistics> {
    return this.matching.statistics(actor, input);
  }

  // --- audit ---------------------------------------------------------------------------------

  /** Auditor: rows by time, organisation and action. */
  async queryAudit(actor: Actor, query: AuditQuery = {}): Promise<AuditPage> {
    requireRole(actor, 'auditor');
    // Rows hold UTC times as text: an offset such as +07:00 must be read, not compared.
    const from = checkTime(query.from, 'from') ?? undefined;
    const to = checkTime(query.to, 'to') ?? undefined;
    checkRange(from, to);
    await this.ctx.recorder.flush();
    return queryAuditLog(this.ctx.store.db, { ...query, from, to });
  }

  /** Auditor (or the CLI with no actor): walks the chain and names the first bad row. */
  async verifyAudit(actor: Actor | null): Promise<AuditVerification> {
    if (actor !== null) requireRole(actor, 'auditor');
    await this.ctx.recorder.flush();
    return verifyAuditChain(this.ctx.store.db);
  }

  // --- bulk ----------------------------------------------------------------------------------

  /** Curator or contributor: resumable chunked import of a CSV or JSON-lines file. */
  async importEntries(actor: Actor, input: ImportInput): Promise<ImportReport> {
    return runImport(this.ctx, actor, input);
  }

  /** A bank's entries and tombstones, in id order, for `khien export` (owner or viewer). */
  async *exportBank(actor: Actor, bankId: string): AsyncGenerator<ExportRecord> {
    requireRole(actor, 'curator', 'auditor');
    const bank = await this.ctx.banks.get(bankId);
    if (!actor.roles.includes('auditor')) requireBankAccess(actor, bank, 'view');
    await inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      tx.audit({ actor, action: 'bank.export', subject: bankId, details: {} });
    });
    yield* exportRecords(this.ctx.store.db, bankId);
  }
}
