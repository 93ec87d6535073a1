/**
 * The registry of subcommands. A command registers itself on the program and reports its exit
 * status through `setStatus` (0 unless it calls it).
 */
import type { Command } from 'commander';
import { registerAdmin } from './admin.js';
import { registerAudit } from './audit.js';
import { registerBank } from './bank.js';
import { registerExport } from './export.js';
import { registerHash } from './hash.js';
import { registerImport } from './import.js';
import { registerMatch } from './match.js';
import { registerServe } from './serve.js';

export type RegisterCommand = (program: Command, setStatus: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [
  registerHash,
  registerMatch,
  registerServe,
  registerAdmin,
  registerBank,
  registerImport,
  registerExport,
  registerAudit,
];
