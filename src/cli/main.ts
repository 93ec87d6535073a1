/**
 * The `khien` command line. Each subcommand lives in its own file under commands/ and is
 * registered in commands/index.ts. main() returns the exit status instead of exiting, so tests
 * can call it in-process.
 */
import { Command, CommanderError } from 'commander';
import { isKhienError } from '../errors/index.js';
import { commandsFor } from './commands/index.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('khien')
    .description('Khiên: fingerprints of known abuse material, hashing, matching and review')
    .exitOverride()
    .showHelpAfterError('(khien <command> --help shows the usage)');
  let status = 0;
  for (const register of await commandsFor(argv)) register(program, (code) => (status = code));

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (err) {
    // Help and version exit 0; a usage error exits 2, apart from 1 ("some input failed").
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (isKhienError(err)) {
      process.stderr.write(`khien: ${err.code}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`khien: ${(err as Error).stack ?? String(err)}\n`);
    return 70;
  }
}
