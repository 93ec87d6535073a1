/**
 * `khien admin bootstrap --org NAME [--kind authority] [--json]`: on an empty database, creates
 * the first organisation and an admin key, and prints the key this one time. Refuses on a
 * database that already has organisations. `khien admin org create` and `khien admin key
 * create` then do, as the admin key given by --api-key, what the HTTP API's admin routes do.
 * Bootstrap creates the store when there is none; the others need one (their key lives in it).
 */
import { Option, type Command } from 'commander';
import type { SettingName } from '../../config/index.js';
import { cliActor, openService } from '../../service/open-service.js';
import { ORGANISATION_KINDS, type OrganisationKind, type Role } from '../../service/types.js';
import { configFromOptions, withSettings } from '../config-options.js';
import type { RegisterCommand } from './index.js';

export const STORE_SETTINGS: readonly SettingName[] = ['dataDir', 'databaseUrl'];

export const registerAdmin: RegisterCommand = (program: Command) => {
  const admin = program.command('admin').description('Administration of an installation');
  const cmd = admin
    .command('bootstrap')
    .description('Create the first organisation and its admin key (empty database only)')
    .requiredOption('--org <name>', 'name of the first organisation')
    .addOption(
      new Option('--kind <kind>', 'kind of organisation')
        .choices([...ORGANISATION_KINDS])
        .default('authority'),
    )
    .option('--json', 'print {"organisation":{…},"key":"…"}', false);

  withSettings(cmd, STORE_SETTINGS).action(async (opts: Record<string, unknown>) => {
    const opened = await openService(configFromOptions(opts));
    try {
      const result = await opened.service.bootstrap({
        orgName: opts.org as string,
        kind: opts.kind as OrganisationKind,
      });
      if (opts.json) {
        const out = { organisation: result.organisation, key: result.key };
        process.stdout.write(JSON.stringify(out) + '\n');
        return;
      }
      process.stdout.write(
        `Created organisation ${result.organisation.name} (${result.organisation.id}).\n` +
          `Admin API key (shown once; store it safely):\n${result.key}\n`,
      );
    } finally {
      await opened.close();
    }
  });
  registerOrgCreate(admin);
  registerKeyCreate(admin);
};

function registerOrgCreate(admin: Command): void {
  const cmd = admin
    .command('org')
    .description('Organisations')
    .command('create')
    .description('Create an organisation (admin key)')
    .requiredOption('--name <name>', 'organisation name')
    .addOption(
      new Option('--kind <kind>', 'kind').choices([...ORGANISATION_KINDS]).makeOptionMandatory(),
    );
  withSettings(cmd, [...STORE_SETTINGS, 'apiKey']).action(async (opts: Record<string, unknown>) => {
    const config = configFromOptions(opts);
    const opened = await openService(config, { create: false });
    try {
      const actor = await cliActor(opened.service, config);
      const org = await opened.service.createOrganisation(actor, {
        name: opts.name as string,
        kind: opts.kind as OrganisationKind,
      });
      process.stdout.write(JSON.stringify(org) + '\n');
    } finally {
      await opened.close();
    }
  });
}

function registerKeyCreate(admin: Command): void {
  const cmd = admin
    .command('key')
    .description('API keys')
    .command('create')
    .description('Create an API key for an organisation (admin key); prints it once')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption(
      '--roles <roles>',
      'comma-separated: admin,curator,contributor,reviewer,matcher,auditor',
    )
    .option('--name <label>', 'a label for people')
    .option('--expires-at <time>', 'ISO 8601 expiry time');
  withSettings(cmd, [...STORE_SETTINGS, 'apiKey']).action(async (opts: Record<string, unknown>) => {
    const config = configFromOptions(opts);
    const opened = await openService(config, { create: false });
    try {
      const actor = await cliActor(opened.service, config);
      const made = await opened.service.createKey(actor, {
        orgId: opts.org as string,
        roles: (opts.roles as string).split(',').map((r) => r.trim()) as Role[],
        name: opts.name as string | undefined,
        expiresAt: (opts.expiresAt as string | undefined) ?? null,
      });
      process.stdout.write(JSON.stringify({ ...made.info, key: made.key }) + '\n');
    } finally {
      await opened.close();
    }
  });
}
