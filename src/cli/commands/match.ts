/**
 * `khien match --against BANKFILE [--max-distance N] [--dihedral] [--format csv|json] QUERYFILE`:
 * offline matching of hash lists (hash-list.ts says which lines are read). The bank is loaded
 * into a MihPdqIndex keyed by line number; each query line is searched in file order and every
 * match printed as `query_line,bank_line,distance` (with `,variant` under --dihedral), or as a
 * JSON line with --format json, matches of one query in bank line order.
 *
 * Bad lines: each is reported on stderr with KHIEN_ERR_HASH_LIST_MALFORMED, the file and line
 * number, and skipped, so one damaged line does not hide every other result; the exit status is
 * then 1. With --strict the first bad line stops the run (exit status 2, nothing more printed).
 * Failure records of `khien hash` (files it could not read) are noted on stderr and skipped.
 *
 * Seam for vPDQ: a list file is read through readList; a vPDQ feature file would be detected
 * there and routed to a VpdqIndex instead of the PDQ one.
 */
import { stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { KhienError, isKhienError } from '../../errors/index.js';
import { MAX_SEARCH_DISTANCE } from '../../core/index/index-arguments.js';
import { MihPdqIndex } from '../../core/index/mih-pdq-index.js';
import { PACKED_WORDS, packPdqInto } from '../../core/index/packed-hash.js';
import type { VpdqMatchOptions } from '../../core/vpdq/vpdq-match-policy.js';
import {
  addVpdqMatchOptions,
  isVpdqInput,
  runVpdqMatch,
  vpdqMatchOptions,
} from '../../media/video-match-command.js';
import { readLines } from '../../service/line-reader.js';
import { quietOnClose } from '../reader-closes.js';
import { parseHashListLine, type HashListEntry } from './hash-list.js';
import type { RegisterCommand } from './index.js';

export type MatchFormat = 'csv' | 'json';

export interface MatchRunOptions {
  against: string;
  maxDistance: number;
  dihedral: boolean;
  format: MatchFormat;
  strict: boolean;
  /** vPDQ thresholds, used when either side is a vPDQ file (video-match-command.ts). */
  vpdq?: VpdqMatchOptions;
}

export interface MatchRunIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Counts of a run, returned for the caller (and tests). */
export interface MatchSummary {
  bankEntries: number;
  queries: number;
  matches: number;
  badLines: number;
}

export const registerMatch: RegisterCommand = (program: Command, setStatus) => {
  addVpdqMatchOptions(program.command('match'))
    .description(
      'Match a list of PDQ hashes against a bank list (exact, Hamming distance), or vPDQ videos',
    )
    .argument('<queryfile>', 'hashes to look up, one per line (khien hash output or bare hex)')
    .requiredOption('--against <bankfile>', 'the bank: hashes one per line, in the same shapes')
    .option('--max-distance <n>', 'largest Hamming distance reported, 0..63', '31')
    .option('--dihedral', 'search all 8 rotations/flips of queries that carry them', false)
    .option('--strict', 'stop at the first malformed line instead of skipping it', false)
    .addOption(
      new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'),
    )
    .action(async (queryFile: string, opts: Record<string, unknown>) => {
      const run: MatchRunOptions = {
        against: String(opts.against),
        maxDistance: parseDistance(String(opts.maxDistance)),
        dihedral: opts.dihedral === true,
        format: opts.format as MatchFormat,
        strict: opts.strict === true,
      };
      run.vpdq = vpdqMatchOptions(opts, run.maxDistance);
      const stdout = quietOnClose(process.stdout);
      const io: MatchRunIo = {
        out: (line) => void (stdout.closed || process.stdout.write(line + '\n')),
        err: (line) => process.stderr.write(line + '\n'),
      };
      const summary = await runMatch(queryFile, run, io);
      if (summary.badLines > 0) setStatus(1);
    });
};

/** KHIEN_ERR_NOT_FOUND naming the file when `path` is not a readable file. */
async function checkReadable(path: string, role: 'bank' | 'query'): Promise<void> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => err);
  if (info instanceof Error || !info.isFile()) {
    const why = info instanceof Error ? (info.code ?? info.message) : 'not a regular file';
    throw new KhienError('KHIEN_ERR_NOT_FOUND', `no ${role} list at ${path} (${why})`, { path });
  }
}

/** A non-empty file that is not vPDQ: a PDQ list (an empty file could be either). */
async function isImageList(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info !== null && info.isFile() && info.size > 0;
}

/** One side holds video hashes and the other image hashes: nothing could match. */
function mixedSides(videoSide: string, imageSide: string): never {
  throw new KhienError(
    'KHIEN_ERR_INVALID_ARGUMENT',
    `${videoSide} holds vPDQ (video) hashes and ${imageSide} PDQ (image) hashes; ` +
      'khien match compares videos with videos and images with images',
    { video: videoSide, image: imageSide },
  );
}

function parseDistance(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(value) || value > MAX_SEARCH_DISTANCE) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `--max-distance must be an integer 0..${MAX_SEARCH_DISTANCE}, got "${text}"`,
    );
  }
  return value;
}

/** Reads every entry of a hash list, reporting (or, strict, throwing) bad lines. */
async function readList(
  path: string,
  strict: boolean,
  io: MatchRunIo,
  onEntry: (entry: HashListEntry) => void,
): Promise<number> {
  let line = 0;
  let bad = 0;
  for await (const { text } of readLines(path)) {
    line++;
    try {
      const parsed = parseHashListLine(text, line);
      if ('line' in parsed) onEntry(parsed);
      else if (parsed.skip === 'failure') {
        io.err(`khien match: ${path}:${line}: skipped, the hasher failed here (${parsed.code})`);
      }
    } catch (err) {
      if (!isKhienError(err, 'KHIEN_ERR_HASH_LIST_MALFORMED')) throw err;
      err.details.path = path;
      if (strict) throw new KhienError(err.code, `${path}:${err.message}`, err.details);
      io.err(`khien match: ${err.code}: ${path}:${err.message}`);
      bad++;
    }
  }
  return bad;
}

/** Loads the bank list into an index keyed by line number. */
async function loadBank(run: MatchRunOptions, io: MatchRunIo) {
  let ids: Uint32Array = new Uint32Array(1024);
  let hashes: Uint32Array = new Uint32Array(1024 * PACKED_WORDS);
  let n = 0;
  const bad = await readList(run.against, run.strict, io, (entry) => {
    if (n === ids.length) [ids, hashes] = [grow(ids, 2), grow(hashes, 2)];
    ids[n] = entry.line;
    packPdqInto(entry.pdq, hashes, n * PACKED_WORDS);
    n++;
  });
  const index = MihPdqIndex.build(ids.subarray(0, n), hashes.subarray(0, n * PACKED_WORDS));
  return { index, bad, entries: n };
}

function grow(array: Uint32Array, factor: number): Uint32Array {
  const out = new Uint32Array(array.length * factor);
  out.set(array);
  return out;
}

/** Matches every query line against the bank, printing as it goes. */
export async function runMatch(
  queryFile: string,
  run: MatchRunOptions,
  io: MatchRunIo,
): Promise<MatchSummary> {
  const queryIsVideo = await isVpdqInput(queryFile);
  const bankIsVideo = await isVpdqInput(run.against);
  if (queryIsVideo || bankIsVideo) {
    if (!queryIsVideo && (await isImageList(queryFile))) mixedSides(run.against, queryFile);
    if (!bankIsVideo && (await isImageList(run.against))) mixedSides(queryFile, run.against);
    const options = run.vpdq ?? vpdqMatchOptions({}, run.maxDistance);
    return runVpdqMatch(queryFile, run.against, options, run.format, io);
  }
  await checkReadable(run.against, 'bank');
  await checkReadable(queryFile, 'query');
  const bank = await loadBank(run, io);
  const summary: MatchSummary = { bankEntries: bank.entries, queries: 0, matches: 0, badLines: 0 };
  const badQueries = await readList(queryFile, run.strict, io, (entry) => {
    summary.queries++;
    summary.matches += printMatches(bank.index, entry, run, io);
  });
  summary.badLines = bank.bad + badQueries;
  return summary;
}

function printMatches(
  index: MihPdqIndex,
  entry: HashListEntry,
  run: MatchRunOptions,
  io: MatchRunIo,
): number {
  const variants = run.dihedral && entry.dihedral !== undefined ? entry.dihedral : [entry.pdq];
  const matches = run.dihedral
    ? index.searchAny(variants, run.maxDistance)
    : index.search(entry.pdq, run.maxDistance).map((m) => ({ ...m, variant: 0 }));
  for (const m of matches) {
    if (run.format === 'json') {
      const record: Record<string, number> = { query_line: entry.line, bank_line: m.id };
      record.distance = m.distance;
      if (run.dihedral) record.variant = m.variant;
      io.out(JSON.stringify(record));
    } else {
      const tail = run.dihedral ? `,${m.variant}` : '';
      io.out(`${entry.line},${m.id},${m.distance}${tail}`);
    }
  }
  return matches.length;
}
