/**
 * The `khien` command line. Each subcommand lives in its own file under commands/ and is
 * registered in commands/index.ts. main() returns the exit status instead of exiting, so tests
 * can call it in-process.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isKhienError } from '../errors/index.js';
import { commandsFor } from './commands/index.js';

const VERSION_FLAGS = ['-V', '--version'];

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('khien')
    .description('Khiên: fingerprints of known abuse material, hashing, matching and review')
    .version(packageVersion(), VERSION_FLAGS.join(', '), 'print the version of Khiên')
    .exitOverride()
    .showHelpAfterError('(khien <command> --help shows the usage)');
  let status = 0;
  // `khien --version` needs no subcommand: loading them all would cost it the server's start-up.
  const commands = VERSION_FLAGS.includes(argv[0]) ? [] : await commandsFor(argv);
  for (const register of commands) register(program, (code) => (status = code));

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

/** The version in package.json: two levels up from both src/cli/ and the built dist/cli/. */
function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
