/**
 * `khien audit verify`: walks the audit log's hash chain in the store. Exit status 0 and the row
 * count when it holds; 1 naming the first row that was edited, removed or inserted when not.
 * It reads the store directly (an operator with access to the database), so it needs no key.
 * It never creates one: a data directory or database without a store is KHIEN_ERR_NOT_FOUND,
 * not an empty chain reported as sound.
 */
import type { Command } from 'commander';
import { openService } from '../../service/open-service.js';
import { configFromOptions, withSettings } from '../config-options.js';
import { STORE_SETTINGS } from './admin.js';
import type { RegisterCommand } from './index.js';

export const registerAudit: RegisterCommand = (program: Command, setStatus) => {
  const audit = program.command('audit').description('The audit log');
  const cmd = audit
    .command('verify')
    .description('Verify the hash chain of the audit log')
    .option('--json', 'print the result as JSON', false);

  withSettings(cmd, STORE_SETTINGS).action(async (opts: Record<string, unknown>) => {
    const opened = await openService(configFromOptions(opts), { create: false });
    try {
      const result = await opened.service.verifyAudit(null);
      if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
      else if (result.ok) {
        process.stdout.write(`audit chain ok: ${result.rows} rows, head ${result.headHash}\n`);
      } else {
        const bad = result.firstBad!;
        process.stdout.write(`audit chain BROKEN at row ${bad.seq}: ${bad.reason}\n`);
      }
      if (!result.ok) setStatus(1);
    } finally {
      await opened.close();
    }
  });
};
