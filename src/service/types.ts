/**
 * The vocabulary of the application service: who is calling (Actor), what they create and read
 * (organisations, keys, banks, entries, matches, audit rows) and the inputs of every use case.
 * The HTTP server and the CLI speak these types; the store maps them to rows.
 */
import type { Facts, FactsInput } from '../core/policy/facts.js';
import type { Verdicts } from '../core/policy/verdict.js';

export type { Facts, FactsInput, Verdicts };

// --- parties ---------------------------------------------------------------------------------

/** What a key may do. See docs/data-model.md for the role × use-case table. */
export const ROLES = ['admin', 'curator', 'contributor', 'reviewer', 'matcher', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ORGANISATION_KINDS = ['authority', 'hotline', 'ngo', 'platform', 'partner'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** The authenticated caller of a use case. */
export interface Actor {
  readonly orgId: string;
  readonly keyId: string;
  readonly roles: readonly Role[];
  /** Correlates the audit rows of one request; the server or CLI makes one up. */
  readonly requestId: string;
}

export interface Organisation {
  readonly id: string;
  readonly name: string;
  readonly kind: OrganisationKind;
  readonly createdAt: string;
}

export interface CreateOrganisationInput {
  readonly name: string;
  readonly kind: OrganisationKind;
}

/** An API key as listed: never the secret. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export interface CreateKeyInput {
  readonly orgId: string;
  readonly roles: readonly Role[];
  /** A label for people (`"moderation pipeline"`); defaults to the roles. */
  readonly name?: string;
  /** ISO 8601 time after which the key no longer authenticates. */
  readonly expiresAt?: string | null;
}

/** A freshly made key: `key` is the raw `khien_<id>_<secret>`, shown this once only. */
export interface CreatedKey {
  readonly info: ApiKeyInfo;
  readonly key: string;
}

export interface BootstrapInput {
  readonly orgName: string;
  readonly kind?: OrganisationKind;
}

export interface BootstrapResult {
  readonly organisation: Organisation;
  readonly key: string;
  readonly keyInfo: ApiKeyInfo;
}

// --- banks -----------------------------------------------------------------------------------

/** `positive`: matches are reported. `allow`: matches suppress positive matches. */
export const BANK_KINDS = ['positive', 'allow'] as const;
export type BankKind = (typeof BANK_KINDS)[number];

export interface BankPolicy {
  /** Largest PDQ Hamming distance reported as a match (0..63; default 31). */
  readonly pdqMaxDistance: number;
  /** Smallest PDQ quality accepted into the bank (0..100; default 50). */
  readonly minQuality: number;
  /** Whether rotated/flipped query variants (image queries only) may match. */
  readonly dihedral: boolean;
}

export interface Bank {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly kind: BankKind;
  readonly ownerOrgId: string;
  readonly policy: BankPolicy;
  /** Organisations other than the owner that may match against the bank. */
  readonly matchers: readonly string[];
  /** Organisations other than the owner that may see (and review) its entries. */
  readonly viewers: readonly string[];
  /** Organisations other than the owner that may contribute entries. */
  readonly contributors: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreateBankInput {
  readonly name: string;
  readonly description?: string;
  readonly kind?: BankKind;
  readonly policy?: Partial<BankPolicy>;
  readonly matchers?: readonly string[];
  readonly viewers?: readonly string[];
  readonly contributors?: readonly string[];
}

/** Fields left out keep their value; lists given replace the old list. */
export interface UpdateBankInput {
  readonly description?: string;
  readonly policy?: Partial<BankPolicy>;
  readonly matchers?: readonly string[];
  readonly viewers?: readonly string[];
  readonly contributors?: readonly string[];
}

// --- entries and signals ---------------------------------------------------------------------

export const SIGNAL_TYPES = ['pdq', 'md5', 'sha1', 'sha256'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

export const ENTRY_STATUSES = ['pending', 'confirmed', 'disputed', 'disabled', 'deleted'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** A signal as a caller sends it. `quality` is required for PDQ when contributing. */
export interface SignalInput {
  readonly type: SignalType;
  readonly value: string;
  readonly quality?: number;
}

/** A banked signal; `id` is its index id. Values are normalised to lower-case hex. */
export interface Signal {
  readonly id: number;
  readonly type: SignalType;
  readonly value: string;
  readonly quality: number | null;
}

export interface Provenance {
  readonly orgId: string;
  readonly keyId: string;
  /** The list an imported entry came from (`""` when contributed directly). */
  readonly source: string;
  readonly externalId: string | null;
  readonly createdAt: string;
}

export interface Entry {
  readonly id: string;
  readonly bankId: string;
  readonly status: EntryStatus;
  readonly signals: readonly Signal[];
  readonly facts: Facts;
  readonly verdicts: Verdicts;
  readonly note: string;
  readonly provenance: Provenance;
  /** Confirmations from organisations other than the contributor. */
  readonly confirmations: number;
  readonly disabledReason: string | null;
  readonly disabledUntil: string | null;
  readonly updatedAt: string;
}

export interface Transition {
  readonly at: string;
  readonly orgId: string;
  readonly keyId: string;
  readonly from: EntryStatus | null;
  readonly to: EntryStatus;
  readonly reason: string;
  readonly until: string | null;
}

export const REVIEW_DECISIONS = ['confirm', 'reject', 'dispute'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export interface Review {
  readonly orgId: string;
  readonly keyId: string;
  readonly decision: ReviewDecision;
  readonly reason: string;
  readonly at: string;
}

/** An entry with its history, as `getEntry` returns it. */
export interface EntryDetail extends Entry {
  readonly transitions: readonly Transition[];
  readonly reviews: readonly Review[];
}

export interface ContributeInput {
  readonly bankId: string;
  readonly signals: readonly SignalInput[];
  readonly facts?: FactsInput;
  readonly note?: string;
  readonly externalId?: string | null;
}

export interface ContributeImageInput {
  readonly bankId: string;
  /** The media bytes; hashed in memory and dropped, never written anywhere. */
  readonly image: Buffer;
  readonly facts?: FactsInput;
  readonly note?: string;
  readonly externalId?: string | null;
}

export interface ReviewInput {
  readonly decision: ReviewDecision;
  readonly reason?: string;
}

export interface DisableInput {
  readonly reason: string;
  /** ISO 8601; after it the entry returns to its earlier state on the next maintenance pass. */
  readonly until?: string | null;
}

export interface ReasonInput {
  readonly reason?: string;
}

/** How a curator settles a dispute. */
export interface ResolveDisputeInput {
  readonly outcome: 'confirm' | 'disable';
  readonly reason: string;
}

export interface ListEntriesInput {
  readonly bankId: string;
  readonly status?: EntryStatus;
  readonly limit?: number;
  /** Entry id to continue after (ids sort by creation). */
  readonly after?: string;
}

export interface EntryPage {
  readonly entries: readonly Entry[];
  readonly next: string | null;
}

// --- matching --------------------------------------------------------------------------------

export interface MatchInput {
  readonly signals: readonly SignalInput[];
}

export interface MatchImageInput {
  readonly image: Buffer;
}

/** One banked signal a query matched. */
export interface MatchHit {
  /** Pass to `matchFeedback` to report a false positive. */
  readonly matchId: string;
  readonly entryId: string;
  readonly bankId: string;
  readonly signalType: SignalType;
  readonly distance: number;
  /** 0 = the query as given; 1..7 its rotations/flips (reference order), image queries only. */
  readonly variant: number;
  readonly verdicts: Verdicts;
  readonly confirmations: number;
}

/** The answer for one query signal, in the order they were sent. */
export interface QueryResult {
  readonly type: SignalType;
  readonly value: string;
  /** PDQ queries: the quality computed from the upload or sent with the hash, else null. */
  readonly quality?: number | null;
  readonly matches: readonly MatchHit[];
  /**
   * True when an allow-list entry matched, suppressing `suppressed` positive matches (for an
   * upload: an allow-list match on any of its signals suppresses the matches of all).
   */
  readonly allowListed: boolean;
  readonly suppressed: number;
  /** The PDQ quality is below the minimum of a bank the caller may match: not matched there. */
  readonly lowQuality: boolean;
}

export interface MatchResult {
  readonly results: readonly QueryResult[];
}

export interface MatchFeedbackInput {
  readonly kind: 'false_positive';
  readonly reason?: string;
}

export interface MatchFeedbackResult {
  readonly matchId: string;
  readonly entryId: string;
  readonly entryStatus: EntryStatus;
}

// --- statistics ------------------------------------------------------------------------------

export interface StatisticsInput {
  /** ISO day (YYYY-MM-DD) bounds, inclusive; default all time. */
  readonly from?: string;
  readonly to?: string;
}

export interface Statistics {
  readonly entriesByBank: readonly {
    readonly bankId: string;
    readonly byStatus: Readonly<Partial<Record<EntryStatus, number>>>;
  }[];
  readonly matchesByBank: readonly { readonly bankId: string; readonly hits: number }[];
  readonly matchesByCaller: readonly {
    readonly orgId: string;
    readonly queries: number;
    readonly hits: number;
  }[];
}

// --- audit -----------------------------------------------------------------------------------

export interface AuditRecord {
  readonly seq: number;
  readonly at: string;
  readonly orgId: string | null;
  readonly keyId: string | null;
  readonly requestId: string | null;
  readonly action: string;
  readonly subject: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditQuery {
  readonly from?: string;
  readonly to?: string;
  readonly orgId?: string;
  /** Exact action (`entry.confirm`) or a prefix ending in `.` (`entry.`). */
  readonly action?: string;
  readonly afterSeq?: number;
  readonly limit?: number;
}

export interface AuditPage {
  readonly records: readonly AuditRecord[];
  readonly next: number | null;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly rows: number;
  /** The first row whose hash, link or sequence does not check out. */
  readonly firstBad: { readonly seq: number; readonly reason: string } | null;
  /** The hash of the last row when the chain holds: record it elsewhere to anchor the log. */
  readonly headHash?: string;
  /** Set when the chain does not hold. */
  readonly code?: 'KHIEN_ERR_AUDIT_CHAIN_BROKEN';
}

// --- import / export -------------------------------------------------------------------------

export const IMPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportInput {
  readonly bankId: string;
  /** The input file; read in chunks, never loaded whole. */
  readonly path: string;
  /** Default: from the file name (`.csv` → csv, else jsonl). */
  readonly format?: ImportFormat;
  /** Name of the list the entries come from, kept in their provenance. */
  readonly source?: string;
  /** Import straight to `confirmed` (curator only: a vetted partner list). */
  readonly asConfirmed?: boolean;
  /** Rows per transaction; each commit is a checkpoint. */
  readonly chunkSize?: number;
  /** Called after each committed chunk. */
  readonly onCheckpoint?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  readonly jobId: string;
  /** Input bytes consumed up to the last commit, and the file size. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly linesDone: number;
  /** Entries committed so far (including earlier runs of the same job). */
  readonly committed: number;
  readonly rejected: number;
  readonly duplicates: number;
}

export interface ImportReport extends ImportProgress {
  /** True when this run continued an interrupted job for the same bank and file. */
  readonly resumed: boolean;
  /** The first few rejected lines with their reasons. */
  readonly rejections: readonly {
    readonly line: number;
    readonly code: string;
    readonly message: string;
  }[];
}

/** One line of an export: an entry, or a tombstone for a deleted one. */
export interface ExportRecord {
  readonly id: string;
  readonly bankId: string;
  readonly status: EntryStatus;
  readonly signals: readonly SignalInput[];
  readonly facts: Facts | null;
  readonly provenance: Provenance;
  readonly confirmations: number;
  readonly deletedAt: string | null;
  readonly updatedAt: string;
}

// --- lifecycle of the service itself ---------------------------------------------------------

export interface ServiceHealth {
  /** True once the match engine has loaded every confirmed signal. */
  readonly ready: boolean;
  readonly indexedSignals: number;
  readonly loadMs: number | null;
}
