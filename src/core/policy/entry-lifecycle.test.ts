// The lifecycle state machine: confirmations, disputes, disabling, deletion as a dead end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLifecycleEvent, type LifecycleState } from './entry-lifecycle.js';

const s = (status: LifecycleState['status'], confirmations = 0): LifecycleState => ({
  status,
  confirmations,
});

test('pending becomes confirmed at the required number of confirmations', () => {
  assert.deepEqual(applyLifecycleEvent(s('pending'), 'confirm', 2), s('pending', 1));
  assert.deepEqual(applyLifecycleEvent(s('pending', 1), 'confirm', 2), s('confirmed', 2));
  assert.deepEqual(applyLifecycleEvent(s('pending'), 'confirm', 1), s('confirmed', 1));
  assert.deepEqual(applyLifecycleEvent(s('confirmed', 2), 'confirm', 2), s('confirmed', 3));
});

test('disputes, resolution, disabling and enabling', () => {
  assert.deepEqual(applyLifecycleEvent(s('confirmed', 2), 'dispute', 2), s('disputed', 2));
  assert.deepEqual(applyLifecycleEvent(s('pending'), 'reject', 2), s('disputed'));
  assert.deepEqual(applyLifecycleEvent(s('disputed', 3), 'confirm', 2), s('disputed', 4));
  assert.deepEqual(applyLifecycleEvent(s('disputed', 2), 'resolve_confirm', 2), s('confirmed', 2));
  assert.deepEqual(applyLifecycleEvent(s('disputed', 2), 'resolve_disable', 2), s('disabled', 2));
  assert.deepEqual(applyLifecycleEvent(s('disabled', 2), 'enable', 2), s('confirmed', 2));
  assert.deepEqual(applyLifecycleEvent(s('disabled', 1), 'enable', 2), s('pending', 1));
});

test('deleted is terminal; invalid moves name what was allowed', () => {
  assert.deepEqual(applyLifecycleEvent(s('disabled'), 'delete', 2), s('deleted'));
  for (const e of ['confirm', 'dispute', 'enable', 'delete', 'disable'] as const) {
    assert.throws(() => applyLifecycleEvent(s('deleted'), e, 2), {
      code: 'KHIEN_ERR_TRANSITION_INVALID',
    });
  }
  assert.throws(() => applyLifecycleEvent(s('pending'), 'resolve_confirm', 2), {
    message: /allowed from disputed/,
  });
});
