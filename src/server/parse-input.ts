/**
 * Validates one part of a request (path, query or body) against its zod schema and turns a
 * failure into KHIEN_ERR_INVALID_ARGUMENT whose message names the field, what was expected and
 * what was received, with every issue listed in the details.
 */
import type { z } from 'zod';
import { KhienError, type ErrorCode } from '../errors/index.js';

/**
 * Parses `value` with `schema`; throws a coded error naming `part` (`body`, `query`, `path` or
 * a multipart field) and the field on failure. `codes` gives a more specific catalogue code
 * for failures under a top-level field (`facts` → KHIEN_ERR_FACTS_INVALID).
 */
export function parseInput<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  part: string,
  codes: Readonly<Record<string, ErrorCode>> = {},
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;

  const issues = parsed.error.issues.map((issue) => ({
    path: [part, ...issue.path].join('.'),
    message: describeIssue(issue, value),
  }));
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const code = codes[String(parsed.error.issues[0].path[0])] ?? 'KHIEN_ERR_INVALID_ARGUMENT';
  throw new KhienError(code, `${issues[0].path}: ${issues[0].message}${more}`, { issues });
}

/** Zod's message plus, where it helps, the value that was received. */
function describeIssue(issue: z.ZodIssue, root: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  if (issue.code === 'invalid_type' || issue.code === 'invalid_enum_value') {
    return issue.message;
  }
  const received = valueAt(root, issue.path);
  return received === undefined ? issue.message : `${issue.message}, got ${preview(received)}`;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let at: unknown = root;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** A short JSON rendering of a received value, cut so that errors stay one line. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
