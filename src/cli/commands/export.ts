/**
 * `khien export --bank ID [--output FILE]`: a bank as JSON lines, one entry per line in creation
 * order, tombstones of deleted entries included (status "deleted", facts null) so partners who
 * hold a copy learn of deletions. It needs an existing store (the key lives in it) and creates
 * none.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { cliActor, openService } from '../../service/open-service.js';
import { configFromOptions, withSettings } from '../config-options.js';
import { STORE_SETTINGS } from './admin.js';
import type { RegisterCommand } from './index.js';

export const registerExport: RegisterCommand = (program: Command) => {
  const cmd = program
    .command('export')
    .description('Export a bank as JSON lines (tombstones included)')
    .requiredOption('--bank <id>', 'the bank to export')
    .option('--output <file>', 'write here instead of stdout');

  withSettings(cmd, [...STORE_SETTINGS, 'apiKey']).action(async (opts: Record<string, unknown>) => {
    const config = configFromOptions(opts);
    const opened = await openService(config, { create: false });
    const out = opts.output ? createWriteStream(opts.output as string) : process.stdout;
    // A reader that stops early (`| head`) is not an error: stop writing quietly.
    let closed = false;
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closed = true;
    });
    try {
      const actor = await cliActor(opened.service, config);
      for await (const record of opened.service.exportBank(actor, opts.bank as string)) {
        if (closed) break;
        if (!out.write(JSON.stringify(record) + '\n')) await once(out, 'drain');
      }
    } finally {
      if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
      await opened.close();
    }
  });
};
