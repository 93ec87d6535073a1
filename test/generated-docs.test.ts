// The generated reference docs must match the tables they come from, and codes must be unique.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configurationDoc, errorsDoc } from '../scripts/gen-docs.js';
import { ERROR_CATALOGUE } from '../src/errors/index.js';

test('docs/errors.md is current (run `npm run docs`)', () => {
  assert.equal(readFileSync('docs/errors.md', 'utf8'), errorsDoc());
});

test('docs/configuration.md is current (run `npm run docs`)', () => {
  assert.equal(readFileSync('docs/configuration.md', 'utf8'), configurationDoc());
});

test('error codes are unique, prefixed and carry an HTTP status', () => {
  const codes = Object.keys(ERROR_CATALOGUE);
  assert.equal(new Set(codes).size, codes.length);
  for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
    assert.match(code, /^KHIEN_ERR_[A-Z0-9_]+$/);
    assert.ok(spec.status >= 400 && spec.status < 600, code);
    assert.ok(spec.description.length > 10, code);
  }
});
