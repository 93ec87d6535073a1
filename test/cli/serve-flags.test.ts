// Every setting the server reads is a flag of `khien serve` (docs/configuration.md names the
// flag of each; a setting missing from the command's list answered "unknown option").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { flagName, SETTINGS, type SettingName } from '../../src/config/settings.js';
import { registerServe } from '../../src/cli/commands/serve.js';
import { VIDEO_HASH_SETTINGS } from '../../src/media/video-hash-command.js';

/** Settings of other commands: hashing files and videos, import, the CLI's own key. */
const NOT_SERVE: readonly SettingName[] = [
  'hashConcurrency',
  ...VIDEO_HASH_SETTINGS,
  'importChunkSize',
  'apiKey',
];

test('khien serve takes a flag for every server setting', () => {
  const program = new Command('khien');
  registerServe(program, () => undefined);
  const serve = program.commands.find((c) => c.name() === 'serve')!;
  const flags = serve.options.map((o) => o.long).sort();
  const expected = (Object.keys(SETTINGS) as SettingName[])
    .filter((s) => !NOT_SERVE.includes(s))
    .map((name) => `--${flagName(name)}`)
    .sort();
  assert.deepEqual(
    flags.filter((f) => f !== '--config'),
    expected,
  );
  for (const f of ['--request-timeout-ms', '--headers-timeout-ms', '--keep-alive-timeout-ms']) {
    assert.ok(flags.includes(f), f);
  }
});
