/**
 * The registry of subcommands. A command registers itself on the program and reports its exit
 * status through `setStatus` (0 unless it calls it). Each is loaded only when it is the one
 * asked for (all of them for help), so that `khien hash` does not pay for loading the server,
 * the database drivers and the HTTP framework: under load that was seconds per start.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command, setStatus: (code: number) => void) => void;

export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'hash', load: async () => (await import('./hash.js')).registerHash },
  { name: 'match', load: async () => (await import('./match.js')).registerMatch },
  { name: 'serve', load: async () => (await import('./serve.js')).registerServe },
  { name: 'admin', load: async () => (await import('./admin.js')).registerAdmin },
  { name: 'bank', load: async () => (await import('./bank.js')).registerBank },
  { name: 'import', load: async () => (await import('./import.js')).registerImport },
  { name: 'export', load: async () => (await import('./export.js')).registerExport },
  { name: 'audit', load: async () => (await import('./audit.js')).registerAudit },
];

/** The commands to register for `argv`: the one it names, or all (for help and unknown names). */
export async function commandsFor(argv: readonly string[]): Promise<RegisterCommand[]> {
  const named = COMMANDS.filter((c) => c.name === argv[0]);
  return Promise.all((named.length > 0 ? named : COMMANDS).map((c) => c.load()));
}
