/**
 * `khien bank create|list`: banks from the command line, acting as the key given by --api-key
 * (or KHIEN_API_KEY), with the same checks as the HTTP API. A key lives in a store, so they
 * need an existing one and never create it.
 */
import { Option, type Command } from 'commander';
import type { Bank } from '../../service/types.js';
import { cliActor, openService } from '../../service/open-service.js';
import { configFromOptions, withSettings } from '../config-options.js';
import { STORE_SETTINGS } from './admin.js';
import type { RegisterCommand } from './index.js';

const SETTINGS = [...STORE_SETTINGS, 'apiKey' as const];

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const registerBank: RegisterCommand = (program: Command) => {
  const bank = program.command('bank').description('Create and list banks');
  const create = bank
    .command('create')
    .description("Create a bank owned by the key's organisation (curator role)")
    .requiredOption('--name <name>', 'bank name (unique)')
    .option('--description <text>', 'what the bank holds', '')
    .addOption(
      new Option('--kind <kind>', 'bank kind').choices(['positive', 'allow']).default('positive'),
    )
    .option('--max-distance <n>', 'PDQ maximum distance 0..63', '31')
    .option('--min-quality <n>', 'minimum PDQ quality 0..100', '50')
    .option('--no-dihedral', 'do not match rotated/flipped variants')
    .option('--matchers <ids>', 'organisation ids that may match (comma-separated)', list, [])
    .option('--viewers <ids>', 'organisation ids that may see and review entries', list, [])
    .option('--contributors <ids>', 'organisation ids that may contribute', list, [])
    .option('--json', 'print the bank as JSON', false);

  withSettings(create, SETTINGS).action(async (opts: Record<string, unknown>) => {
    const config = configFromOptions(opts);
    const opened = await openService(config, { create: false });
    try {
      const actor = await cliActor(opened.service, config);
      const made = await opened.service.createBank(actor, {
        name: opts.name as string,
        description: opts.description as string,
        kind: opts.kind as Bank['kind'],
        policy: {
          pdqMaxDistance: Number(opts.maxDistance),
          minQuality: Number(opts.minQuality),
          dihedral: opts.dihedral !== false,
        },
        matchers: opts.matchers as string[],
        viewers: opts.viewers as string[],
        contributors: opts.contributors as string[],
      });
      process.stdout.write(opts.json ? JSON.stringify(made) + '\n' : describe(made) + '\n');
    } finally {
      await opened.close();
    }
  });

  const ls = bank
    .command('list')
    .description('List the banks the key may see')
    .option('--json', 'one JSON object per line', false);
  withSettings(ls, SETTINGS).action(async (opts: Record<string, unknown>) => {
    const config = configFromOptions(opts);
    const opened = await openService(config, { create: false });
    try {
      const banks = await opened.service.listBanks(await cliActor(opened.service, config));
      for (const b of banks)
        process.stdout.write((opts.json ? JSON.stringify(b) : describe(b)) + '\n');
    } finally {
      await opened.close();
    }
  });
};

function describe(b: Bank): string {
  const p = b.policy;
  return (
    `${b.id}\t${b.name}\t${b.kind}\towner=${b.ownerOrgId}\tmax-distance=${p.pdqMaxDistance}` +
    `\tmin-quality=${p.minQuality}\tdihedral=${p.dihedral}`
  );
}
