/**
 * Parsing one import row, CSV or JSON lines, into the parts of a new entry. CSV has a header
 * naming its columns: pdq, quality, md5, sha1, sha256, external_id, note, and the facts
 * age_band, pubertal_stage, shown (`;`-separated), origin, self_generated, adult_present.
 * A JSON line is either {"signals":[…],"facts":{…},"externalId","note"} or flat like the CSV.
 */
import { KhienError } from '../errors/index.js';
import type { FactsInput, SignalInput } from './types.js';

export interface ImportRow {
  readonly signals: SignalInput[];
  readonly facts: FactsInput;
  readonly externalId: string | null;
  readonly note: string;
}

/** Splits one CSV line (RFC 4180 quoting, no newlines inside fields). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  out.push(field);
  return out;
}

/** A CSV data line as an object keyed by the header's (trimmed, lower-case) names. */
export function csvRecord(header: readonly string[], line: string): Record<string, string> {
  const cells = splitCsv(line);
  if (cells.length !== header.length) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `expected ${header.length} CSV fields, got ${cells.length}`,
    );
  }
  const rec: Record<string, string> = {};
  header.forEach((h, i) => (rec[h] = cells[i].trim()));
  return rec;
}

/** A JSON line as an object, or KHIEN_ERR_INVALID_ARGUMENT. */
export function jsonRecord(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', `not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', 'each line must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The entry parts of a record (CSV cells or JSON object). */
export function toImportRow(rec: Record<string, unknown>): ImportRow {
  const signals = Array.isArray(rec.signals) ? (rec.signals as SignalInput[]) : flatSignals(rec);
  const facts = (rec.facts as FactsInput | undefined) ?? flatFacts(rec);
  const ext = rec.externalId ?? rec.external_id;
  return {
    signals,
    facts,
    externalId: ext === undefined || ext === '' || ext === null ? null : String(ext),
    note: typeof rec.note === 'string' ? rec.note : '',
  };
}

function flatSignals(rec: Record<string, unknown>): SignalInput[] {
  const out: SignalInput[] = [];
  const q = rec.quality ?? rec.pdq_quality;
  if (present(rec.pdq)) {
    const quality = q === undefined || q === '' ? undefined : Number(q);
    out.push({ type: 'pdq', value: String(rec.pdq), quality });
  }
  for (const type of ['md5', 'sha1', 'sha256'] as const) {
    if (present(rec[type])) out.push({ type, value: String(rec[type]) });
  }
  return out;
}

function flatFacts(rec: Record<string, unknown>): FactsInput {
  const facts: Record<string, unknown> = {};
  if (present(rec.age_band)) facts.ageBand = rec.age_band;
  if (present(rec.pubertal_stage)) facts.pubertalStage = rec.pubertal_stage;
  if (present(rec.origin)) facts.origin = rec.origin;
  if (present(rec.shown)) {
    facts.shown = Array.isArray(rec.shown)
      ? rec.shown
      : String(rec.shown).split(';').filter(Boolean);
  }
  for (const [col, key] of [
    ['self_generated', 'selfGenerated'],
    ['adult_present', 'adultPresent'],
  ] as const) {
    if (present(rec[col])) facts[key] = toBool(rec[col]);
  }
  return facts as FactsInput;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function toBool(v: unknown): unknown {
  if (v === true || v === 'true' || v === '1' || v === 'yes') return true;
  if (v === false || v === 'false' || v === '0' || v === 'no') return false;
  return v;
}
