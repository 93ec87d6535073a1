/**
 * The vPDQ signal of a video: one PDQ hash per hashed frame with its quality and timestamp, and
 * its text form, the reference's `frameNumber,quality,pdqhex,timestamp` lines
 * (vpdq/cpp/vpdq/cpp/io/vpdqio.cpp, and the files under vpdq/sample-hashes).
 */
import { KhienError } from '../../errors/index.js';
import { isPdqHex, parsePdqHex, toPdqHex, type PdqHash } from '../pdq/pdq-hash.js';
import { formatTimestamp } from './vpdq-timestamp.js';

/** One hashed frame. */
export interface VpdqFeature {
  /** 0-based index of the frame among the decoded frames. */
  readonly frameNumber: number;
  /** PDQ quality 0..100. */
  readonly quality: number;
  readonly hash: PdqHash;
  /** Seconds from the start: frameNumber / fps in float32, as the reference computes it. */
  readonly timestamp: number;
}

/** One reference line, without its line end. */
export function formatVpdqLine(feature: VpdqFeature): string {
  const hex = toPdqHex(feature.hash);
  return `${feature.frameNumber},${feature.quality},${hex},${formatTimestamp(feature.timestamp)}`;
}

/** The reference file text: one line per feature, each ending in "\n". */
export function formatVpdqText(features: readonly VpdqFeature[]): string {
  return features.map((f) => formatVpdqLine(f) + '\n').join('');
}

/**
 * Parses the reference text form. Like the reference reader it wants at least four fields a
 * line; blank lines are skipped. Anything else is KHIEN_ERR_VPDQ_MALFORMED naming the line.
 */
export function parseVpdqText(text: string): VpdqFeature[] {
  const features: VpdqFeature[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    features.push(parseVpdqLine(line, i + 1));
  }
  return features;
}

/** True when `text` starts like a vPDQ file (its first non-blank line parses). */
export function looksLikeVpdqText(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
  if (first === undefined) return false;
  const fields = first.trim().split(',');
  return fields.length >= 4 && /^\d+$/.test(fields[0]) && isPdqHex(fields[2]);
}

function parseVpdqLine(line: string, lineNumber: number): VpdqFeature {
  const fields = line.split(',');
  const fail = (what: string): never => {
    throw new KhienError(
      'KHIEN_ERR_VPDQ_MALFORMED',
      `vPDQ line ${lineNumber}: expected frameNumber,quality,pdqhex,timestamp; ${what}`,
      { line: lineNumber },
    );
  };
  if (fields.length < 4) fail(`got ${fields.length} field(s)`);

  const [frameText, qualityText, hex, timeText] = fields;
  if (!/^\d+$/.test(frameText)) fail(`frame number "${frameText}" is not an integer >= 0`);
  if (!/^\d+$/.test(qualityText) || Number(qualityText) > 100) {
    fail(`quality "${qualityText}" is not an integer 0..100`);
  }
  if (!isPdqHex(hex)) fail(`the hash is not 64 hex digits`);
  const timestamp = Number(timeText);
  if (timeText.trim() === '' || !Number.isFinite(timestamp) || timestamp < 0) {
    fail(`timestamp "${timeText}" is not a number >= 0`);
  }

  return {
    frameNumber: Number(frameText),
    quality: Number(qualityText),
    hash: parsePdqHex(hex),
    timestamp,
  };
}
