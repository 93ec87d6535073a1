/**
 * Times and days given to the service (key expiry, a disable's end, audit and statistics
 * ranges), checked and normalised to the stored form: UTC ISO 8601 text, which compares in
 * time order as text.
 */
import { KhienError } from '../errors/index.js';

/**
 * An ISO 8601 time normalised to the stored form, or null; with `after` (a stored time), it
 * must be later. The day must exist (Date.parse rolls 2027-02-30 over to 2 March), a time
 * without an offset is UTC (Date.parse reads it in the machine's zone), and the year has four
 * digits, or the stored text would not sort.
 */
export function checkTime(
  value: string | null | undefined,
  what: string,
  after?: string,
): string | null {
  if (value === null || value === undefined) return null;
  const t = typeof value === 'string' ? parseInstant(value) : NaN;
  if (Number.isNaN(t)) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `${what} must be an ISO 8601 time, got ${JSON.stringify(value)}`,
    );
  }
  if (t >= Date.UTC(10000, 0, 1) || t < Date.UTC(1000, 0, 1)) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `${what} must lie between the years 1000 and 9999, got ${JSON.stringify(value)}`,
    );
  }
  const iso = new Date(t).toISOString();
  if (after !== undefined && iso <= after) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `${what} must lie in the future, got ${iso} (now ${after})`,
      { [what]: iso, now: after },
    );
  }
  return iso;
}

/** A calendar day `YYYY-MM-DD` as given, or undefined; `2026-02-30` and other shapes refused. */
export function checkDay(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !dayExists(value)) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `${what} must be a calendar day YYYY-MM-DD, got ${JSON.stringify(value)}`,
      { [what]: value },
    );
  }
  return value;
}

/** Refuses a range whose `from` lies after its `to` (both normalised, so they compare). */
export function checkRange(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && from > to) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `from (${from}) lies after to (${to}): the range is empty`,
      { from, to },
    );
  }
}

/** The instant an ISO 8601 time names, or NaN. */
function parseInstant(text: string): number {
  if (!dayExists(text)) return NaN;
  const bare = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
  return Date.parse(bare ? `${text}Z` : text);
}

/** True when `text` starts with a year, month and day that exist together. */
function dayExists(text: string): boolean {
  const day = /^([+-]?\d{4,6})-(\d{2})-(\d{2})/.exec(text);
  if (day === null) return false;
  const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const check = new Date(Date.UTC(y, m - 1, d));
  return check.getUTCMonth() === m - 1 && check.getUTCDate() === d;
}
