/**
 * Organisations and API keys: bootstrap, authentication, and the admin use cases. Keys are
 * checked against the store with a short in-memory cache (a revocation made in this process
 * takes effect at once; one made elsewhere within the cache age).
 */
import { timingSafeEqual } from 'node:crypto';
import { KhienError } from '../errors/index.js';
import type { Transaction } from 'kysely';
import type { ApiKeysTable, Database } from '../store/database.js';
import { generateKey, parseKey, secretMatches } from './api-keys.js';
import { requireRole } from './authorisation.js';
import { newId } from './ids.js';
import { toKeyInfo, toOrganisation } from './row-mapping.js';
import type { ServiceContext } from './service-context.js';
import {
  ORGANISATION_KINDS,
  ROLES,
  type Actor,
  type ApiKeyInfo,
  type BootstrapInput,
  type BootstrapResult,
  type CreatedKey,
  type CreateKeyInput,
  type CreateOrganisationInput,
  type Organisation,
} from './types.js';
import { checkTime } from './time-input.js';
import { inWriteTransaction, type WriteTx } from './write-transaction.js';

const KEY_CACHE_MS = 2000;

/** A key row read from the store, with the secret last proven for it and its parsed roles. */
interface CachedKey {
  readonly row: ApiKeysTable;
  readonly at: number;
  /** The secret that matched the stored hash; a request repeating it skips the SHA-256. */
  proven?: Buffer;
  roles?: Actor['roles'];
}

export class Parties {
  private readonly keyCache = new Map<string, CachedKey>();

  constructor(private readonly ctx: ServiceContext) {}

  async authenticate(rawKey: string, requestId: string): Promise<Actor> {
    const parsed = typeof rawKey === 'string' ? parseKey(rawKey.trim()) : null;
    if (parsed === null) {
      throw new KhienError('KHIEN_ERR_UNAUTHENTICATED', 'expected an API key khien_<id>_<secret>');
    }
    const cached = await this.keyRow(parsed.id);
    if (cached === undefined || !this.proves(cached, parsed.secret)) {
      throw new KhienError('KHIEN_ERR_UNAUTHENTICATED', 'unknown API key');
    }
    const row = cached.row;
    if (row.revoked_at !== null) {
      throw new KhienError(
        'KHIEN_ERR_KEY_REVOKED',
        `key ${row.id} was revoked at ${row.revoked_at}`,
      );
    }
    if (row.expires_at !== null && row.expires_at <= this.ctx.now()) {
      throw new KhienError('KHIEN_ERR_KEY_EXPIRED', `key ${row.id} expired at ${row.expires_at}`);
    }
    cached.roles ??= toKeyInfo(row).roles;
    return { orgId: row.org_id, keyId: row.id, roles: cached.roles, requestId };
  }

  /** True when `secret` is the key's: against the stored hash, or the secret proven before. */
  private proves(cached: CachedKey, secret: string): boolean {
    const given = Buffer.from(secret);
    const proven = cached.proven;
    if (proven?.length === given.length && timingSafeEqual(proven, given)) return true;
    if (!secretMatches(secret, cached.row.secret_hash)) return false;
    cached.proven = given;
    return true;
  }

  async bootstrap(input: BootstrapInput): Promise<BootstrapResult> {
    const name = checkName(input.orgName, 'organisation name');
    const kind = checkKind(input.kind ?? 'authority');
    return inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      const any = await tx.trx.selectFrom('organisations').select('id').limit(1).execute();
      if (any.length > 0) {
        throw new KhienError(
          'KHIEN_ERR_ALREADY_BOOTSTRAPPED',
          'the database already has organisations; bootstrap runs only on an empty one',
        );
      }
      const organisation = await this.insertOrganisation(tx, name, kind);
      const made = await this.insertKey(tx, organisation.id, ['admin'], 'bootstrap admin', null);
      const actor = {
        orgId: organisation.id,
        keyId: made.info.id,
        roles: [],
        requestId: 'bootstrap',
      };
      tx.audit({
        actor,
        action: 'system.bootstrap',
        subject: organisation.id,
        details: { name, kind },
      });
      return { organisation, key: made.key, keyInfo: made.info };
    });
  }

  async createOrganisation(actor: Actor, input: CreateOrganisationInput): Promise<Organisation> {
    requireRole(actor, 'admin');
    const name = checkName(input.name, 'organisation name');
    const kind = checkKind(input.kind);
    return inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      const org = await this.insertOrganisation(tx, name, kind);
      tx.audit({ actor, action: 'organisation.create', subject: org.id, details: { name, kind } });
      return org;
    });
  }

  async listOrganisations(actor: Actor): Promise<Organisation[]> {
    requireRole(actor, 'admin', 'curator', 'auditor');
    const rows = await this.ctx.store.db
      .selectFrom('organisations')
      .selectAll()
      .orderBy('name')
      .execute();
    return rows.map(toOrganisation);
  }

  async getOrganisation(actor: Actor, orgId: string): Promise<Organisation> {
    if (orgId !== actor.orgId) requireRole(actor, 'admin', 'curator', 'auditor');
    const row = await this.ctx.store.db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', orgId)
      .executeTakeFirst();
    if (!row) throw orgNotFound(orgId);
    return toOrganisation(row);
  }

  async createKey(actor: Actor, input: CreateKeyInput): Promise<CreatedKey> {
    requireRole(actor, 'admin');
    const roles = checkRoles(input.roles);
    const expiresAt = checkTime(input.expiresAt ?? null, 'expiresAt', this.ctx.now());
    const name = input.name === undefined ? roles.join('+') : checkName(input.name, 'key name');
    return inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      const org = await tx.trx
        .selectFrom('organisations')
        .select('id')
        .where('id', '=', input.orgId)
        .executeTakeFirst();
      if (!org) throw orgNotFound(input.orgId);
      const made = await this.insertKey(tx, input.orgId, roles, name, expiresAt);
      tx.audit({
        actor,
        action: 'key.create',
        subject: made.info.id,
        details: { orgId: input.orgId, roles, expiresAt },
      });
      return made;
    });
  }

  async listKeys(actor: Actor, filter: { orgId?: string }): Promise<ApiKeyInfo[]> {
    requireRole(actor, 'admin');
    let q = this.ctx.store.db
      .selectFrom('api_keys')
      .select(['id', 'org_id', 'name', 'roles', 'created_at', 'expires_at', 'revoked_at']);
    if (filter.orgId !== undefined) q = q.where('org_id', '=', filter.orgId);
    const rows = await q.orderBy('created_at').execute();
    return rows.map(toKeyInfo);
  }

  async revokeKey(actor: Actor, keyId: string): Promise<ApiKeyInfo> {
    requireRole(actor, 'admin');
    const info = await inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      const row = await tx.trx
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', keyId)
        .executeTakeFirst();
      if (!row)
        throw new KhienError('KHIEN_ERR_KEY_NOT_FOUND', `no API key has id ${keyId}`, { keyId });
      if (row.revoked_at === null) await refuseLastAdmin(tx.trx, row);
      const revokedAt = row.revoked_at ?? tx.at;
      await tx.trx
        .updateTable('api_keys')
        .set({ revoked_at: revokedAt })
        .where('id', '=', keyId)
        .execute();
      tx.audit({ actor, action: 'key.revoke', subject: keyId, details: { orgId: row.org_id } });
      return toKeyInfo({ ...row, revoked_at: revokedAt });
    });
    this.keyCache.delete(keyId);
    return info;
  }

  private async keyRow(id: string): Promise<CachedKey | undefined> {
    const cached = this.keyCache.get(id);
    if (cached && Date.now() - cached.at < KEY_CACHE_MS) return cached;
    const row = await this.ctx.store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const fresh: CachedKey = { row, at: Date.now() };
    this.keyCache.set(id, fresh);
    return fresh;
  }

  /**
   * Names are unique as foldName sees them ("National hotline" and "national HOTLINE" are one
   * organisation). The table holds tens of rows, so the comparison is done here rather than in
   * two SQL dialects.
   */
  private async insertOrganisation(tx: WriteTx, name: string, kind: string): Promise<Organisation> {
    const all = await tx.trx.selectFrom('organisations').select(['id', 'name']).execute();
    const taken = all.find((o) => foldName(o.name) === foldName(name));
    if (taken) {
      throw new KhienError(
        'KHIEN_ERR_ALREADY_EXISTS',
        `an organisation named ${JSON.stringify(taken.name)} exists`,
        { id: taken.id },
      );
    }
    const row = { id: newId('org'), name, kind, created_at: tx.at };
    await tx.trx.insertInto('organisations').values(row).execute();
    return toOrganisation(row);
  }

  private async insertKey(
    tx: WriteTx,
    orgId: string,
    roles: readonly string[],
    name: string,
    expiresAt: string | null,
  ): Promise<CreatedKey> {
    const key = generateKey();
    const row: ApiKeysTable = {
      id: key.id,
      org_id: orgId,
      name,
      secret_hash: key.secretHash,
      roles: roles.join(','),
      created_at: tx.at,
      expires_at: expiresAt,
      revoked_at: null,
    };
    await tx.trx.insertInto('api_keys').values(row).execute();
    return { info: toKeyInfo(row), key: key.raw };
  }
}

function orgNotFound(orgId: string): KhienError {
  return new KhienError('KHIEN_ERR_ORGANISATION_NOT_FOUND', `no organisation has id ${orgId}`, {
    orgId,
  });
}

/** A trimmed name of 1..200 characters. */
/**
 * A name as people tell names apart: compatibility forms folded (fullwidth letters, the "ﬁ"
 * ligature), invisible characters dropped, runs of spaces made one, case folded fully (so
 * "Straße" is "STRASSE"). Accents still count: "Bộ Công an" is not "Bo Cong an".
 */
export function foldName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLocaleLowerCase('vi') // ẞ → ß, which upper-cases to SS
    .toLocaleUpperCase('vi')
    .toLocaleLowerCase('vi');
}

/** Soft hyphen, zero-width and direction marks, bidi embeddings and isolates, word joiner, BOM. */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

export function checkName(value: unknown, what: string): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if (s.length === 0 || s.length > 200 || foldName(s) === '') {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `${what} must be 1..200 characters, got ${JSON.stringify(value)}`,
    );
  }
  return s;
}

function checkKind(kind: unknown): string {
  if (!(ORGANISATION_KINDS as readonly unknown[]).includes(kind)) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `organisation kind must be one of ${ORGANISATION_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  return kind as string;
}

function checkRoles(roles: unknown): string[] {
  const ok =
    Array.isArray(roles) &&
    roles.length > 0 &&
    roles.every((r) => (ROLES as readonly unknown[]).includes(r));
  if (!ok) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `roles must be a non-empty list of ${ROLES.join(', ')}, got ${JSON.stringify(roles)}`,
    );
  }
  return [...new Set(roles as string[])];
}

/**
 * Refuses to revoke the last live admin key that never expires. Bootstrap runs only on an
 * empty database, so with no admin key left no one could create or revoke keys again short of
 * editing the store; a key that expires does not count, since it would leave the same lockout
 * behind when its time comes.
 */
async function refuseLastAdmin(
  trx: Transaction<Database>,
  row: { id: string; roles: string },
): Promise<void> {
  if (!row.roles.split(',').includes('admin')) return;
  const live = await trx
    .selectFrom('api_keys')
    .select(['id', 'roles'])
    .where('revoked_at', 'is', null)
    .where('expires_at', 'is', null)
    .where('id', '!=', row.id)
    .execute();
  if (live.some((k) => k.roles.split(',').includes('admin'))) return;
  throw new KhienError(
    'KHIEN_ERR_LAST_ADMIN_KEY',
    `key ${row.id} is the last admin key without an expiry; create another before revoking it`,
    { keyId: row.id },
  );
}
