/**
 * Shared plumbing between commander and the settings table: every command that needs settings
 * declares which ones, gets a flag for each (with the documented default), and turns its parsed
 * options into the one validated Config.
 */
import type { Command } from 'commander';
import { SETTINGS, flagName, loadConfig, type Config, type SettingName } from '../config/index.js';

/** Adds `--config FILE` and a flag for each named setting to `cmd`. */
export function withSettings(cmd: Command, names: readonly SettingName[]): Command {
  cmd.option('--config <file>', 'JSON configuration file (keys are setting names)');
  for (const name of names) {
    const spec = SETTINGS[name];
    cmd.option(
      `--${flagName(name)} <value>`,
      `${spec.doc} (default: ${JSON.stringify(spec.default)})`,
    );
  }
  return cmd;
}

/** Builds the frozen Config from a command's parsed options. */
export function configFromOptions(opts: Record<string, unknown>): Config {
  const flags: Record<string, unknown> = {};
  for (const name of Object.keys(SETTINGS)) {
    if (opts[name] !== undefined) flags[name] = opts[name];
  }
  return loadConfig({ flags, file: typeof opts.config === 'string' ? opts.config : undefined });
}
