/**
 * The entry lifecycle as a pure state machine: which event may move an entry from which status
 * to which, and how confirmations count. The service applies it inside a transaction and records
 * every move; only `confirmed` entries match.
 *
 *   (new) ─contribute→ pending ─N confirms→ confirmed ─dispute/false positive→ disputed
 *   disputed ─resolve confirm→ confirmed │ ─resolve disable→ disabled
 *   pending|confirmed|disputed ─disable→ disabled ─enable→ confirmed or pending
 *   anything but deleted ─delete→ deleted (a tombstone; terminal)
 */
import { KhienError } from '../../errors/index.js';

export type LifecycleStatus = 'pending' | 'confirmed' | 'disputed' | 'disabled' | 'deleted';

export type LifecycleEvent =
  | 'confirm'
  | 'reject'
  | 'dispute'
  | 'resolve_confirm'
  | 'resolve_disable'
  | 'disable'
  | 'enable'
  | 'delete';

export interface LifecycleState {
  readonly status: LifecycleStatus;
  readonly confirmations: number;
}

/** Which statuses each event may start from. */
const ALLOWED_FROM: Readonly<Record<LifecycleEvent, readonly LifecycleStatus[]>> = {
  confirm: ['pending', 'confirmed', 'disputed'],
  reject: ['pending', 'confirmed'],
  dispute: ['pending', 'confirmed'],
  resolve_confirm: ['disputed'],
  resolve_disable: ['disputed'],
  disable: ['pending', 'confirmed', 'disputed'],
  enable: ['disabled'],
  delete: ['pending', 'confirmed', 'disputed', 'disabled'],
};

/** The state after `event`, or KHIEN_ERR_TRANSITION_INVALID naming what was allowed. */
export function applyLifecycleEvent(
  state: LifecycleState,
  event: LifecycleEvent,
  reviewsRequired: number,
): LifecycleState {
  const allowed = ALLOWED_FROM[event];
  if (!allowed.includes(state.status)) {
    throw new KhienError(
      'KHIEN_ERR_TRANSITION_INVALID',
      `cannot ${event.replace('_', ' ')} an entry that is ${state.status}; ` +
        `allowed from ${allowed.join(', ')}`,
      { event, status: state.status, allowedFrom: allowed },
    );
  }
  return { status: nextStatus(state, event, reviewsRequired), confirmations: next(state, event) };
}

function next(state: LifecycleState, event: LifecycleEvent): number {
  return event === 'confirm' ? state.confirmations + 1 : state.confirmations;
}

function nextStatus(
  state: LifecycleState,
  event: LifecycleEvent,
  reviewsRequired: number,
): LifecycleStatus {
  switch (event) {
    case 'confirm':
      // A confirmation of a disputed entry is counted but does not settle the dispute.
      if (state.status !== 'pending') return state.status;
      return state.confirmations + 1 >= reviewsRequired ? 'confirmed' : 'pending';
    case 'reject':
    case 'dispute':
      return 'disputed';
    case 'resolve_confirm':
      return 'confirmed';
    case 'resolve_disable':
    case 'disable':
      return 'disabled';
    case 'enable':
      return state.confirmations >= reviewsRequired ? 'confirmed' : 'pending';
    case 'delete':
      return 'deleted';
  }
}

/** Only confirmed entries are in the match index. */
export function isMatchable(status: LifecycleStatus): boolean {
  return status === 'confirmed';
}
