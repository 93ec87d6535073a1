/**
 * The vPDQ half of `khien match`, called from cli/commands/match.ts when either side is a vPDQ
 * file. Both sides are read as videos: a file of reference lines
 * (`frameNumber,quality,pdqhex,timestamp`) is one video, named after the file; lines carrying a
 * path as a fifth field (`khien hash` of several videos) are grouped into one video per path;
 * a json line of `khien hash --format json` is one video, and so is HMA's signal string (a JSON
 * array of "pdqhex,quality,timestamp"); a folder on the bank side is every
 * such file in it. The bank goes into a VpdqIndex over the multi-index PDQ index, and each
 * query video is searched once: one output line per banked video sharing a matching frame,
 * with HMA's decision, both percentages and the matching segments of the query.
 *
 * A damaged vPDQ line stops the run (KHIEN_ERR_VPDQ_MALFORMED): a partly read video would skew
 * the percentages silently.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Option, type Command } from 'commander';
import { flagName } from '../config/index.js';
import { isKhienError, KhienError } from '../errors/index.js';
import { MihPdqIndex } from '../core/index/mih-pdq-index.js';
import { isPdqHex, parsePdqHex } from '../core/pdq/pdq-hash.js';
import { looksLikeVpdqText, parseVpdqText, type VpdqFeature } from '../core/vpdq/vpdq-feature.js';
import { VpdqIndex, type VpdqVideoMatch } from '../core/vpdq/vpdq-index.js';
import {
  checkVpdqMatchOptions,
  HMA_VPDQ_OPTIONS,
  type VpdqMatchOptions,
} from '../core/vpdq/vpdq-match-policy.js';
import { formatTimestamp } from '../core/vpdq/vpdq-timestamp.js';

/** A video's frames, with the name it is printed under. */
export interface NamedVideo {
  readonly name: string;
  readonly features: VpdqFeature[];
}

/** Where the run writes. */
export interface VpdqMatchIo {
  out: (line: string) => void;
}

/** Counts of a run, in the shape of `khien match`'s summary. */
export interface VpdqMatchSummary {
  bankEntries: number;
  queries: number;
  matches: number;
  badLines: number;
}

/** Adds the vPDQ thresholds to `khien match` (--max-distance is shared with PDQ). */
export function addVpdqMatchOptions(cmd: Command): Command {
  const d = HMA_VPDQ_OPTIONS;
  return cmd
    .addOption(
      new Option('--quality-threshold <q>', 'vPDQ: ignore frames below this quality').default(
        String(d.qualityThreshold),
      ),
    )
    .addOption(
      new Option('--query-match-percent <p>', "vPDQ: share of the query's frames to match").default(
        String(d.queryMatchPercent),
      ),
    )
    .addOption(
      new Option('--banked-match-percent <p>', "vPDQ: share of the banked video's frames").default(
        String(d.bankedMatchPercent),
      ),
    );
}

/** The vPDQ options from commander's parsed options and the shared max distance. */
export function vpdqMatchOptions(
  opts: Record<string, unknown>,
  maxDistance: number,
): VpdqMatchOptions {
  const flag = (name: string) => `--${flagName(name)}`;
  const num = (name: string, fallback: number) => {
    const text = opts[name] === undefined ? String(fallback) : String(opts[name]);
    const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(value)) {
      throw new KhienError(
        'KHIEN_ERR_INVALID_ARGUMENT',
        `${flag(name)} must be a number, got "${text}"`,
      );
    }
    return value;
  };
  try {
    return checkVpdqMatchOptions({
      maxDistance,
      qualityThreshold: num('qualityThreshold', HMA_VPDQ_OPTIONS.qualityThreshold),
      queryMatchPercent: num('queryMatchPercent', HMA_VPDQ_OPTIONS.queryMatchPercent),
      bankedMatchPercent: num('bankedMatchPercent', HMA_VPDQ_OPTIONS.bankedMatchPercent),
    });
  } catch (err) {
    // The core names its option; the user typed the flag.
    const name = isKhienError(err, 'KHIEN_ERR_INVALID_ARGUMENT') && Object.keys(err.details)[0];
    if (!name || !err.message.startsWith(name)) throw err;
    throw new KhienError(err.code, flag(name) + err.message.slice(name.length), err.details);
  }
}

/** True when `path` is a folder or a file whose first line is a vPDQ line or video record. */
export async function isVpdqInput(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  if (info === null) return false;
  if (info.isDirectory()) return true;

  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.toString('utf8', 0, bytesRead);
    return (
      looksLikeVpdqText(text) || /^\s*\{.*"kind"\s*:\s*"video"/.test(text) || HMA_SIGNAL.test(text)
    );
  } finally {
    await handle.close();
  }
}

/** Matches every query video against every banked video, printing as it goes. */
export async function runVpdqMatch(
  queryPath: string,
  bankPath: string,
  options: VpdqMatchOptions,
  format: 'csv' | 'json',
  io: VpdqMatchIo,
): Promise<VpdqMatchSummary> {
  const bankVideos = await readVideos(bankPath);
  const bank = new VpdqIndex(() => new MihPdqIndex(), options);
  bankVideos.forEach((video, id) => bank.add(id, video.features));

  const queries = await readVideos(queryPath);
  const summary: VpdqMatchSummary = {
    bankEntries: bankVideos.length,
    queries: queries.length,
    matches: 0,
    badLines: 0,
  };
  for (const query of queries) {
    for (const result of bank.search(query.features)) {
      if (result.isMatch) summary.matches++;
      io.out(formatResult(query.name, bankVideos[result.videoId].name, result, format));
    }
  }
  return summary;
}

/** One output line for a query/banked pair. */
export function formatResult(
  query: string,
  banked: string,
  r: VpdqVideoMatch,
  format: 'csv' | 'json',
): string {
  if (format === 'json') {
    return JSON.stringify({
      query,
      banked,
      match: r.isMatch,
      queryMatchPercent: r.queryMatchPercent,
      bankedMatchPercent: r.bankedMatchPercent,
      queryMatchedFrames: r.queryMatchedFrames,
      queryDistinctFrames: r.queryDistinctFrames,
      bankedMatchedFrames: r.bankedMatchedFrames,
      bankedDistinctFrames: r.bankedDistinctFrames,
      segments: r.segments.map((s) => ({
        start: Number(formatTimestamp(s.start)),
        end: Number(formatTimestamp(s.end)),
        firstFrame: s.firstFrame,
        lastFrame: s.lastFrame,
        frames: s.frames,
      })),
    });
  }

  const segments = r.segments
    .map((s) => `${formatTimestamp(s.start)}-${formatTimestamp(s.end)}`)
    .join(' ');
  const percents = `${r.queryMatchPercent.toFixed(3)},${r.bankedMatchPercent.toFixed(3)}`;
  return `${query},${banked},${r.isMatch ? 1 : 0},${percents},${segments}`;
}

/** The videos in a file (see the module header) or in every file of a folder, sorted by name. */
export async function readVideos(path: string): Promise<NamedVideo[]> {
  const info = await stat(path).catch(() => {
    throw new KhienError('KHIEN_ERR_NOT_FOUND', `no vPDQ file or folder at ${path}`, { path });
  });
  if (!info.isDirectory()) return videosInFile(path);

  const names = (await readdir(path)).filter((n) => !n.startsWith('.')).sort();
  const videos: NamedVideo[] = [];
  for (const name of names) {
    const file = join(path, name);
    if ((await stat(file)).isFile() && (await isVpdqInput(file))) {
      videos.push(...(await videosInFile(file)));
    }
  }
  return videos;
}

async function videosInFile(path: string): Promise<NamedVideo[]> {
  const text = await readFile(path, 'utf8');
  if (/^\s*\{/.test(text)) return jsonVideos(text, path);
  if (/^\s*\[/.test(text)) return [{ name: basename(path), features: hmaSignal(text, path) }];

  // Parsed as one text so that an error names the file's own line number; the fifth field
  // (a path) is then used to group the features, which come in the order of the lines.
  const features = parseVpdqLines(text, path);
  const sources = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').slice(4).join(',').trim() || basename(path));
  const byPath = new Map<string, VpdqFeature[]>();
  features.forEach((feature, i) => {
    const list = byPath.get(sources[i]) ?? [];
    list.push(feature);
    byPath.set(sources[i], list);
  });
  return [...byPath].map(([name, list]) => ({ name, features: list }));
}

/** parseVpdqText, with the file named in its error (the core knows only line numbers). */
function parseVpdqLines(text: string, path: string): VpdqFeature[] {
  try {
    return parseVpdqText(text);
  } catch (err) {
    if (!isKhienError(err, 'KHIEN_ERR_VPDQ_MALFORMED')) throw err;
    throw new KhienError('KHIEN_ERR_VPDQ_MALFORMED', `${path}: ${err.message}`, {
      ...err.details,
      path,
    });
  }
}

interface JsonFrame {
  frameNumber: number;
  quality: number;
  pdq: string;
  timestamp: number;
}

function jsonVideos(text: string, path: string): NamedVideo[] {
  const videos: NamedVideo[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let record: { path?: string; kind?: string; vpdq?: JsonFrame[] };
    try {
      record = JSON.parse(line);
    } catch {
      throw malformed(path, i + 1, 'not a JSON line');
    }
    if (record.kind !== 'video') return; // image records of a mixed `khien hash` run
    if (!Array.isArray(record.vpdq)) throw malformed(path, i + 1, 'no vpdq array');
    const features = record.vpdq.map((f) => ({
      frameNumber: f.frameNumber,
      quality: f.quality,
      hash: parsePdqHex(f.pdq),
      timestamp: f.timestamp,
    }));
    videos.push({ name: record.path ?? `${basename(path)}:${i + 1}`, features });
  });
  return videos;
}

/** The start of HMA's VPDQSignal string: a JSON array of "pdqhex,quality,timestamp". */
const HMA_SIGNAL = /^\s*\[\s*"[0-9a-fA-F]{64},/;

/**
 * HMA's serialisation of a vPDQ signal (python-threatexchange VPDQSignal): a JSON array of
 * "pdqhex,quality,timestamp" strings, without frame numbers, so frames are numbered by position.
 */
function hmaSignal(text: string, path: string): VpdqFeature[] {
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    throw malformed(path, 1, 'not a JSON array of "pdqhex,quality,timestamp" strings');
  }
  if (!Array.isArray(items)) throw malformed(path, 1, 'not a JSON array');
  return items.map((item, i) => {
    const [hex, quality, timestamp] = typeof item === 'string' ? item.split(',') : [];
    const ok =
      isPdqHex(hex ?? '') &&
      /^\d+$/.test(quality ?? '') &&
      Number(quality) <= 100 &&
      Number(timestamp) >= 0;
    if (!ok) throw malformed(path, 1, `item ${i} is not "pdqhex,quality,timestamp"`);
    return {
      frameNumber: i,
      quality: Number(quality),
      hash: parsePdqHex(hex),
      timestamp: Number(timestamp),
    };
  });
}

function malformed(path: string, line: number, what: string): KhienError {
  return new KhienError('KHIEN_ERR_VPDQ_MALFORMED', `${path}:${line}: ${what}`, { path, line });
}
