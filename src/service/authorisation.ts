/**
 * Authorisation: roles carried by the key, and bank visibility from the bank's owner and access
 * lists. Every refusal names what was missing, so a caller can tell a missing role from a bank
 * that was not shared with them.
 */
import { KhienError } from '../errors/index.js';
import type { Actor, Bank, Role } from './types.js';

/** Refuses unless the actor has one of `roles` (listed in the message). */
export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (roles.some((r) => actor.roles.includes(r))) return;
  const needed =
    roles.length === 1 ? `the ${roles[0]} role` : `one of the roles ${roles.join(', ')}`;
  throw new KhienError(
    'KHIEN_ERR_ROLE_MISSING',
    `this action needs ${needed}; the key has ${actor.roles.join(', ') || 'none'}`,
    { required: roles, roles: actor.roles },
  );
}

/** The kinds of bank access an organisation may be granted. */
export type BankAccess = 'match' | 'view' | 'contribute';

/** True when the actor's organisation owns the bank or is on its list for `access`. */
export function hasBankAccess(actor: Actor, bank: Bank, access: BankAccess): boolean {
  if (bank.ownerOrgId === actor.orgId) return true;
  const list =
    access === 'match' ? bank.matchers : access === 'view' ? bank.viewers : bank.contributors;
  return list.includes(actor.orgId);
}

/** True when the bank is known to the actor at all (owner or on any list). */
export function canSeeBankRecord(actor: Actor, bank: Bank): boolean {
  return (
    actor.roles.includes('admin') ||
    actor.roles.includes('auditor') ||
    hasBankAccess(actor, bank, 'match') ||
    hasBankAccess(actor, bank, 'view') ||
    hasBankAccess(actor, bank, 'contribute')
  );
}

/** Refuses unless the actor's organisation has `access` to the bank. */
export function requireBankAccess(actor: Actor, bank: Bank, access: BankAccess): void {
  if (hasBankAccess(actor, bank, access)) return;
  const list = access === 'match' ? 'matchers' : access === 'view' ? 'viewers' : 'contributors';
  throw new KhienError(
    'KHIEN_ERR_BANK_NOT_VISIBLE',
    `organisation ${actor.orgId} may not ${access} bank ${bank.id}: it is not the owner and not ` +
      `on the bank's ${list} list`,
    { bankId: bank.id, access, list },
  );
}

/** Refuses unless the actor's organisation owns the bank (curating is the owner's). */
export function requireBankOwner(actor: Actor, bank: Bank): void {
  if (bank.ownerOrgId === actor.orgId) return;
  throw new KhienError(
    'KHIEN_ERR_BANK_NOT_VISIBLE',
    `only the owner organisation (${bank.ownerOrgId}) may curate bank ${bank.id}`,
    { bankId: bank.id, access: 'owner' },
  );
}
