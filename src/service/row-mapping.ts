/**
 * Store rows to service objects. Kept apart so every use case returns the same shapes.
 */
import { FACTS_SCHEMA } from '../core/policy/facts.js';
import type {
  ApiKeysTable,
  BanksTable,
  EntriesTable,
  OrganisationsTable,
  SignalsTable,
} from '../store/database.js';
import type {
  ApiKeyInfo,
  Bank,
  BankKind,
  Entry,
  EntryStatus,
  Organisation,
  OrganisationKind,
  Role,
  Signal,
  SignalType,
  Verdicts,
} from './types.js';

export function toOrganisation(row: OrganisationsTable): Organisation {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as OrganisationKind,
    createdAt: row.created_at,
  };
}

export function toKeyInfo(row: Omit<ApiKeysTable, 'secret_hash'>): ApiKeyInfo {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    roles: row.roles === '' ? [] : (row.roles.split(',') as Role[]),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** Access lists by kind, as read from bank_access. */
export interface BankLists {
  readonly match: string[];
  readonly view: string[];
  readonly contribute: string[];
}

export function toBank(row: BanksTable, lists: BankLists): Bank {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind as BankKind,
    ownerOrgId: row.owner_org_id,
    policy: {
      pdqMaxDistance: row.pdq_max_distance,
      minQuality: row.min_quality,
      dihedral: Boolean(row.dihedral),
    },
    matchers: lists.match,
    viewers: lists.view,
    contributors: lists.contribute,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toSignal(
  row: Pick<SignalsTable, 'type' | 'value' | 'quality'> & { id: number },
): Signal {
  return {
    id: Number(row.id),
    type: row.type as SignalType,
    value: row.value,
    quality: row.quality,
  };
}

export function toEntry(row: EntriesTable, signals: readonly Signal[]): Entry {
  return {
    id: row.id,
    bankId: row.bank_id,
    status: row.status as EntryStatus,
    signals,
    facts: FACTS_SCHEMA.parse(JSON.parse(row.facts)),
    verdicts: JSON.parse(row.verdicts) as Verdicts,
    note: row.note,
    provenance: {
      orgId: row.contributor_org_id,
      keyId: row.contributor_key_id,
      source: row.source,
      externalId: row.external_id,
      createdAt: row.created_at,
    },
    confirmations: Number(row.confirmations),
    disabledReason: row.disabled_reason,
    disabledUntil: row.disabled_until,
    updatedAt: row.updated_at,
  };
}
