/**
 * Reads the configuration once, at the entry point: defaults from the settings table, then a
 * JSON file (`--config` or KHIEN_CONFIG), then KHIEN_ environment variables, then flags, the
 * later winning. The result is validated and frozen; nothing else reads process.env. Values are
 * checked one by one against their schema, then against each other (two stores named at once).
 */
import { readFileSync } from 'node:fs';
import { KhienError } from '../errors/index.js';
import { hidePasswords } from './redact.js';
import { SETTINGS, envName, flagName, type Config, type SettingName } from './settings.js';

export interface ConfigSources {
  /** Values from command-line flags, by setting name; undefined means not given. */
  readonly flags?: Partial<Record<string, unknown>>;
  readonly env?: NodeJS.ProcessEnv;
  /** Path of a JSON file whose keys are setting names. */
  readonly file?: string;
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const filePath = sources.file ?? env.KHIEN_CONFIG;
  const fromFile = filePath ? readConfigFile(filePath) : {};
  const out: Record<string, unknown> = {};
  const given = new Set<SettingName>();
  const problems: string[] = [];

  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const spec = SETTINGS[name];
    const source = sources.flags?.[name] ?? env[envName(name)] ?? fromFile[name];
    if (source !== undefined) given.add(name);
    const raw = source ?? spec.default;
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) out[name] = parsed.data;
    else
      problems.push(
        `${named(name)}: ${parsed.error.issues[0]?.message}, got ${hidePasswords(JSON.stringify(raw))}`,
      );
  }
  problems.push(...conflicts(out, given));

  const unknown = Object.keys(fromFile).filter((k) => !(k in SETTINGS));
  if (unknown.length > 0) problems.push(`unknown settings in ${filePath}: ${unknown.join(', ')}`);
  if (problems.length > 0) {
    throw new KhienError(
      'KHIEN_ERR_CONFIG_INVALID',
      `invalid configuration: ${problems.join('; ')}`,
      {
        problems,
      },
    );
  }
  return Object.freeze(out) as Config;
}

/** `dataDir (--data-dir, KHIEN_DATA_DIR)`: the setting as each source spells it. */
function named(name: SettingName): string {
  return `${name} (--${flagName(name)}, ${envName(name)})`;
}

/**
 * Settings that contradict each other. A data directory and a database URL both name a store;
 * the URL used to win silently, so `audit verify --data-dir copy/` with KHIEN_DATABASE_URL set
 * verified the PostgreSQL store and said nothing. Refused, so the user picks one.
 */
function conflicts(out: Record<string, unknown>, given: ReadonlySet<SettingName>): string[] {
  if (!given.has('dataDir') || out.databaseUrl === '' || out.databaseUrl === undefined) return [];
  return [
    `${named('dataDir')} and ${named('databaseUrl')} both name a store; give one of them ` +
      '(an empty databaseUrl selects the SQLite file under dataDir)',
  ];
}

function readConfigFile(path: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('the file must hold a JSON object');
    }
    return value as Record<string, unknown>;
  } catch (err) {
    throw new KhienError(
      'KHIEN_ERR_CONFIG_INVALID',
      `cannot read config file ${path}: ${(err as Error).message}`,
      {
        path,
      },
      { cause: err },
    );
  }
}
