import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKhienError } from '../errors/index.js';
import { loadConfig } from './load-config.js';

test('defaults, then environment, then flags', () => {
  assert.equal(loadConfig({ env: {} }).maxImageBytes, 50 * 1024 * 1024);
  assert.equal(loadConfig({ env: { KHIEN_MAX_IMAGE_BYTES: '10' } }).maxImageBytes, 10);
  const cfg = loadConfig({ env: { KHIEN_MAX_IMAGE_BYTES: '10' }, flags: { maxImageBytes: '20' } });
  assert.equal(cfg.maxImageBytes, 20);
  assert.ok(Object.isFrozen(cfg));
});

test('an invalid value is refused with a coded error naming the setting', () => {
  assert.throws(
    () => loadConfig({ env: { KHIEN_MAX_IMAGE_BYTES: 'lots' } }),
    (err) => isKhienError(err, 'KHIEN_ERR_CONFIG_INVALID') && /maxImageBytes/.test(err.message),
  );
});
