/**
 * KhienService: every use case of the hash database, in one place, for the HTTP server and the
 * CLI. Each method takes the calling Actor, checks its roles and bank visibility, does the work
 * in one store transaction with its audit row, and keeps the in-memory match engine in step so
 * that a confirmed entry matches, and a disputed, disabled or deleted one stops matching, as
 * soon as the method returns.
 */
import type { Config } from '../config/index.js';
import { KhienError } from '../errors/index.js';
import type { Store } from '../store/open-store.js';
import type { HashImage } from './image-hashing.js';
import type { IndexFactory } from './match-engine.js';
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
  /** The clock (tests pin it). */
  readonly now?: () => Date;
}

function notYet(): never {
  throw new KhienError('KHIEN_ERR_INTERNAL', 'not implemented yet');
}

export class KhienService {
  constructor(readonly deps: KhienServiceDeps) {}

  // --- lifecycle -----------------------------------------------------------------------------

  /** Loads the match engine from the store (re-deriving stale verdicts first). */
  async start(): Promise<void> {
    notYet();
  }

  /** Readiness for /readyz: false until start() has loaded every confirmed signal. */
  health(): ServiceHealth {
    notYet();
  }

  /** Writes buffered match records and stops; does not close the store. */
  async stop(): Promise<void> {
    notYet();
  }

  /** Re-enables entries whose `disabledUntil` has passed; returns how many. */
  async expireDisabled(): Promise<number> {
    notYet();
  }

  // --- parties -------------------------------------------------------------------------------

  /** Turns a raw `khien_<id>_<secret>` key into an Actor, or KHIEN_ERR_UNAUTHENTICATED/…. */
  async authenticate(_rawKey: string, _requestId: string): Promise<Actor> {
    notYet();
  }

  /** Creates the first organisation and an admin key; refuses once any organisation exists. */
  async bootstrap(_input: BootstrapInput): Promise<BootstrapResult> {
    notYet();
  }

  async createOrganisation(_actor: Actor, _input: CreateOrganisationInput): Promise<Organisation> {
    notYet();
  }

  async listOrganisations(_actor: Actor): Promise<Organisation[]> {
    notYet();
  }

  async getOrganisation(_actor: Actor, _orgId: string): Promise<Organisation> {
    notYet();
  }

  /** Admin: a key for any organisation. The raw key is in the answer and nowhere else. */
  async createKey(_actor: Actor, _input: CreateKeyInput): Promise<CreatedKey> {
    notYet();
  }

  /** Admin: every key, or one organisation's. */
  async listKeys(_actor: Actor, _filter: { orgId?: string } = {}): Promise<ApiKeyInfo[]> {
    notYet();
  }

  async revokeKey(_actor: Actor, _keyId: string): Promise<ApiKeyInfo> {
    notYet();
  }

  // --- banks ---------------------------------------------------------------------------------

  /** Curator: a bank owned by the caller's organisation. */
  async createBank(_actor: Actor, _input: CreateBankInput): Promise<Bank> {
    notYet();
  }

  /** The banks the caller's organisation owns or is listed on (any list); admins see all. */
  async listBanks(_actor: Actor): Promise<Bank[]> {
    notYet();
  }

  async getBank(_actor: Actor, _bankId: string): Promise<Bank> {
    notYet();
  }

  /** Curator of the owning organisation. */
  async updateBank(_actor: Actor, _bankId: string, _input: UpdateBankInput): Promise<Bank> {
    notYet();
  }

  // --- entries -------------------------------------------------------------------------------

  /** Contributor: a new pending entry from fingerprints hashed by the caller. */
  async contribute(_actor: Actor, _input: ContributeInput): Promise<Entry> {
    notYet();
  }

  /** Contributor: a new pending entry from an image hashed here and then dropped. */
  async contributeImage(_actor: Actor, _input: ContributeImageInput): Promise<Entry> {
    notYet();
  }

  /** Reviewer from another organisation than the contributor: confirm, reject or dispute. */
  async review(_actor: Actor, _entryId: string, _input: ReviewInput): Promise<Entry> {
    notYet();
  }

  /** Curator of the bank's owner: settle a dispute by confirming or disabling. */
  async resolveDispute(
    _actor: Actor,
    _entryId: string,
    _input: ResolveDisputeInput,
  ): Promise<Entry> {
    notYet();
  }

  async disableEntry(_actor: Actor, _entryId: string, _input: DisableInput): Promise<Entry> {
    notYet();
  }

  async enableEntry(_actor: Actor, _entryId: string, _input: ReasonInput = {}): Promise<Entry> {
    notYet();
  }

  /** Curator: deletes the entry, keeping a tombstone (status `deleted`) for exports. */
  async deleteEntry(_actor: Actor, _entryId: string, _input: ReasonInput = {}): Promise<Entry> {
    notYet();
  }

  /** An entry with verdicts, transitions and reviews; audited as a read. */
  async getEntry(_actor: Actor, _entryId: string): Promise<EntryDetail> {
    notYet();
  }

  async listEntries(_actor: Actor, _input: ListEntriesInput): Promise<EntryPage> {
    notYet();
  }

  // --- matching ------------------------------------------------------------------------------

  /** Matcher: per query signal, the confirmed entries of banks the caller may match against. */
  async match(_actor: Actor, _input: MatchInput): Promise<MatchResult> {
    notYet();
  }

  /** Matcher: hashes the image in memory (with dihedral variants) and matches its signals. */
  async matchImage(_actor: Actor, _input: MatchImageInput): Promise<MatchResult> {
    notYet();
  }

  /** Matcher who received the match: reports a false positive, which disputes the entry. */
  async matchFeedback(
    _actor: Actor,
    _matchId: string,
    _input: MatchFeedbackInput,
  ): Promise<MatchFeedbackResult> {
    notYet();
  }

  async statistics(_actor: Actor, _input: StatisticsInput = {}): Promise<Statistics> {
    notYet();
  }

  // --- audit ---------------------------------------------------------------------------------

  /** Auditor: rows by time, organisation and action. */
  async queryAudit(_actor: Actor, _query: AuditQuery = {}): Promise<AuditPage> {
    notYet();
  }

  /** Auditor (or the CLI with no actor): walks the chain and names the first bad row. */
  async verifyAudit(_actor: Actor | null): Promise<AuditVerification> {
    notYet();
  }

  // --- bulk ----------------------------------------------------------------------------------

  /** Curator or contributor: resumable chunked import of a CSV or JSON-lines file. */
  async importEntries(_actor: Actor, _input: ImportInput): Promise<ImportReport> {
    notYet();
  }

  /** A bank's entries and tombstones, in id order, for `khien export`. */
  exportBank(_actor: Actor, _bankId: string): AsyncIterable<ExportRecord> {
    notYet();
  }
}
