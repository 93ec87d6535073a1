// The khien CLI run from source in a child process, for tests that need its exit status and
// streams (the test reporter owns this process's stdout).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ENTRY = ['--import', 'tsx', join('test', 'import-cli-entry.ts')];

/** `khien ARGS`, run to the end. */
export function runCli(args: readonly string[]) {
  return spawnSync(process.execPath, [...ENTRY, ...args], { encoding: 'utf8' });
}

/**
 * `khien ARGS` with a reader that closes stdout after the first chunk (`| head -1`): its stderr
 * and exit status.
 */
export async function runUntilReaderCloses(
  args: readonly string[],
): Promise<{ stderr: string; status: number | null }> {
  const child = spawn(process.execPath, [...ENTRY, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const [status] = (await once(child, 'exit')) as [number | null];
  return { stderr, status };
}
