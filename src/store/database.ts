/**
 * The row types of every table, as Kysely sees them. Times are ISO 8601 text (UTC, fixed width,
 * so they sort as text on both SQLite and PostgreSQL); JSON is text; booleans are 0/1 integers.
 * One representation on both dialects keeps the store code free of dialect branches.
 */
import type { Generated } from 'kysely';

export interface OrganisationsTable {
  id: string;
  name: string;
  kind: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  name: string;
  /** SHA-256 of the secret part, hex. The secret itself is never stored. */
  secret_hash: string;
  /** Comma-separated roles. */
  roles: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface BanksTable {
  id: string;
  name: string;
  description: string;
  kind: string;
  owner_org_id: string;
  pdq_max_distance: number;
  min_quality: number;
  dihedral: number;
  created_at: string;
  updated_at: string;
}

/** Which organisations may `match`, `view` or `contribute` to a bank besides its owner. */
export interface BankAccessTable {
  bank_id: string;
  org_id: string;
  access: string;
}

export interface EntriesTable {
  id: string;
  bank_id: string;
  status: string;
  contributor_org_id: string;
  contributor_key_id: string;
  source: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
  facts: string;
  note: string;
  confirmations: number;
  verdicts: string;
  verdict_version: string;
  disabled_reason: string | null;
  disabled_until: string | null;
  deleted_at: string | null;
}

export interface SignalsTable {
  /** The index id of the signal. */
  id: Generated<number>;
  entry_id: string;
  bank_id: string;
  type: string;
  value: string;
  quality: number | null;
}

export interface EntryTransitionsTable {
  id: Generated<number>;
  entry_id: string;
  at: string;
  org_id: string;
  key_id: string;
  from_status: string | null;
  to_status: string;
  reason: string;
  until: string | null;
}

export interface ReviewsTable {
  entry_id: string;
  org_id: string;
  key_id: string;
  decision: string;
  reason: string;
  at: string;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  org_id: string | null;
  key_id: string | null;
  request_id: string | null;
  action: string;
  subject: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** One row (id 1): the last seq and hash, the lock writers take and a guard against truncation. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface MatchEventsTable {
  id: string;
  at: string;
  org_id: string;
  key_id: string;
  request_id: string;
  bank_id: string;
  entry_id: string;
  signal_id: number;
  signal_type: string;
  distance: number;
  feedback: string | null;
}

/** Per day, caller and bank (`''` for the caller's query total): queries and hits. */
export interface MatchCountersTable {
  day: string;
  org_id: string;
  bank_id: string;
  queries: number;
  hits: number;
}

export interface ImportJobsTable {
  id: string;
  bank_id: string;
  org_id: string;
  key_id: string;
  path: string;
  /** Size and a digest of the first 64 KiB: a different file never resumes this job. */
  fingerprint: string;
  format: string;
  source: string;
  as_confirmed: number;
  status: string;
  bytes_done: number;
  lines_done: number;
  committed: number;
  rejected: number;
  duplicates: number;
  rejections: string;
  created_at: string;
  updated_at: string;
}

export interface Database {
  organisations: OrganisationsTable;
  api_keys: ApiKeysTable;
  banks: BanksTable;
  bank_access: BankAccessTable;
  entries: EntriesTable;
  signals: SignalsTable;
  entry_transitions: EntryTransitionsTable;
  reviews: ReviewsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  match_events: MatchEventsTable;
  match_counters: MatchCountersTable;
  import_jobs: ImportJobsTable;
}
