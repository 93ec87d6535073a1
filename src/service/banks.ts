/**
 * Bank use cases: create, list, read and update banks with their policy and access lists.
 * Curating a bank belongs to curators of the owning organisation.
 */
import { KhienError } from '../errors/index.js';
import { canSeeBankRecord, requireBankOwner, requireRole } from './authorisation.js';
import { newId } from './ids.js';
import { checkName, foldName } from './parties.js';
import type { ServiceContext } from './service-context.js';
import {
  BANK_KINDS,
  type Actor,
  type Bank,
  type BankPolicy,
  type CreateBankInput,
  type UpdateBankInput,
} from './types.js';
import { inWriteTransaction, type WriteTx } from './write-transaction.js';

export const DEFAULT_POLICY: BankPolicy = { pdqMaxDistance: 31, minQuality: 50, dihedral: true };

type Lists = Pick<UpdateBankInput, 'matchers' | 'viewers' | 'contributors'>;

export class Banks {
  constructor(private readonly ctx: ServiceContext) {}

  async create(actor: Actor, input: CreateBankInput): Promise<Bank> {
    requireRole(actor, 'curator');
    const name = checkName(input.name, 'bank name');
    const kind = input.kind ?? 'positive';
    if (!(BANK_KINDS as readonly string[]).includes(kind)) {
      throw new KhienError(
        'KHIEN_ERR_INVALID_ARGUMENT',
        `bank kind must be positive or allow, got ${JSON.stringify(kind)}`,
      );
    }
    const policy = checkPolicy({ ...DEFAULT_POLICY, ...(input.policy ?? {}) });
    const id = newId('bank');
    await inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      const banks = await tx.trx.selectFrom('banks').select(['id', 'name']).execute();
      const taken = banks.find((b) => foldName(b.name) === foldName(name));
      if (taken) {
        throw new KhienError(
          'KHIEN_ERR_ALREADY_EXISTS',
          `a bank named ${JSON.stringify(taken.name)} exists`,
          { id: taken.id },
        );
      }
      await tx.trx
        .insertInto('banks')
        .values({
          id,
          name,
          description: input.description ?? '',
          kind,
          owner_org_id: actor.orgId,
          pdq_max_distance: policy.pdqMaxDistance,
          min_quality: policy.minQuality,
          dihedral: policy.dihedral ? 1 : 0,
          created_at: tx.at,
          updated_at: tx.at,
        })
        .execute();
      await this.writeLists(tx, id, input);
      tx.audit({
        actor,
        action: 'bank.create',
        subject: id,
        details: { name, kind, policy, ...listsOf(input) },
      });
    });
    this.ctx.banks.invalidate();
    return this.ctx.banks.get(id);
  }

  async list(actor: Actor): Promise<Bank[]> {
    const all = await this.ctx.banks.all();
    return all
      .filter((b) => canSeeBankRecord(actor, b))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(actor: Actor, bankId: string): Promise<Bank> {
    const bank = await this.ctx.banks.get(bankId);
    if (!canSeeBankRecord(actor, bank)) {
      throw new KhienError(
        'KHIEN_ERR_BANK_NOT_VISIBLE',
        `organisation ${actor.orgId} is not the owner of bank ${bankId} nor on any of its lists`,
        { bankId, access: 'any' },
      );
    }
    return bank;
  }

  async update(actor: Actor, bankId: string, input: UpdateBankInput): Promise<Bank> {
    requireRole(actor, 'curator');
    const bank = await this.ctx.banks.get(bankId);
    requireBankOwner(actor, bank);
    const policy = checkPolicy({ ...bank.policy, ...(input.policy ?? {}) });
    await inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      await tx.trx
        .updateTable('banks')
        .set({
          description: input.description ?? bank.description,
          pdq_max_distance: policy.pdqMaxDistance,
          min_quality: policy.minQuality,
          dihedral: policy.dihedral ? 1 : 0,
          updated_at: tx.at,
        })
        .where('id', '=', bankId)
        .execute();
      await this.writeLists(tx, bankId, input);
      tx.audit({
        actor,
        action: 'bank.update',
        subject: bankId,
        details: { policy, ...listsOf(input) },
      });
    });
    this.ctx.banks.invalidate();
    return this.ctx.banks.get(bankId);
  }

  /** Replaces each list given; checks every organisation exists. */
  private async writeLists(tx: WriteTx, bankId: string, lists: Lists): Promise<void> {
    const kinds = [
      ['match', lists.matchers],
      ['view', lists.viewers],
      ['contribute', lists.contributors],
    ] as const;
    for (const [access, orgs] of kinds) {
      if (orgs === undefined) continue;
      await checkOrganisations(tx, orgs);
      await tx.trx
        .deleteFrom('bank_access')
        .where('bank_id', '=', bankId)
        .where('access', '=', access)
        .execute();
      const rows = [...new Set(orgs)].map((org_id) => ({ bank_id: bankId, org_id, access }));
      if (rows.length > 0) await tx.trx.insertInto('bank_access').values(rows).execute();
    }
  }
}

function listsOf(input: Lists): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input.matchers) out.matchers = input.matchers;
  if (input.viewers) out.viewers = input.viewers;
  if (input.contributors) out.contributors = input.contributors;
  return out;
}

async function checkOrganisations(tx: WriteTx, orgs: readonly string[]): Promise<void> {
  if (!Array.isArray(orgs) || orgs.some((o) => typeof o !== 'string')) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      'bank access lists must be lists of organisation ids',
    );
  }
  if (orgs.length === 0) return;
  const found = await tx.trx
    .selectFrom('organisations')
    .select('id')
    .where('id', 'in', [...orgs])
    .execute();
  const known = new Set(found.map((r) => r.id));
  const missing = orgs.filter((o) => !known.has(o));
  if (missing.length > 0) {
    throw new KhienError(
      'KHIEN_ERR_ORGANISATION_NOT_FOUND',
      `no organisation has id ${missing.join(', ')}`,
      {
        missing,
      },
    );
  }
}

/** Refuses a policy out of range, naming the field. */
export function checkPolicy(p: BankPolicy): BankPolicy {
  const bad = (field: string, want: string, got: unknown) =>
    new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `policy.${field} must be ${want}, got ${JSON.stringify(got)}`,
    );
  if (!Number.isInteger(p.pdqMaxDistance) || p.pdqMaxDistance < 0 || p.pdqMaxDistance > 63) {
    throw bad('pdqMaxDistance', 'an integer 0..63', p.pdqMaxDistance);
  }
  if (!Number.isInteger(p.minQuality) || p.minQuality < 0 || p.minQuality > 100) {
    throw bad('minQuality', 'an integer 0..100', p.minQuality);
  }
  if (typeof p.dihedral !== 'boolean') throw bad('dihedral', 'true or false', p.dihedral);
  return { pdqMaxDistance: p.pdqMaxDistance, minQuality: p.minQuality, dihedral: p.dihedral };
}
