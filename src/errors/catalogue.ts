/**
 * The error catalogue: every failure Khiên reports, with a stable code, the HTTP status the
 * server answers with, and a one-line description. Codes never change meaning once published;
 * clients and partner systems key on them. docs/errors.md is generated from this table and a
 * test checks that it is current and that codes are unique.
 *
 * Sections are owned by capability; add new codes to the section they belong to.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly description: string;
}

export const ERROR_CATALOGUE = {
  // --- general -------------------------------------------------------------------------------
  KHIEN_ERR_INTERNAL: { status: 500, description: 'An unexpected failure inside Khiên.' },
  KHIEN_ERR_INVALID_ARGUMENT: {
    status: 400,
    description: 'An argument or field is not of the expected form; the message says which.',
  },
  KHIEN_ERR_CONFIG_INVALID: {
    status: 500,
    description: 'The configuration (flags, KHIEN_ environment variables or file) is invalid.',
  },
  KHIEN_ERR_NOT_FOUND: { status: 404, description: 'The file or object does not exist.' },
  KHIEN_ERR_LISTEN_FAILED: {
    status: 500,
    description:
      '`khien serve` could not listen on its host and port (in use, not allowed, no such address).',
  },

  // --- hashes and hashing ----------------------------------------------------------------------
  KHIEN_ERR_HASH_MALFORMED: {
    status: 400,
    description:
      "A hash is not of its type's form (PDQ: 64 hex digits; MD5: 32; SHA-1: 40; SHA-256: 64).",
  },
  KHIEN_ERR_IMAGE_UNSUPPORTED: {
    status: 415,
    description:
      'The file is not an image in a supported format (JPEG, PNG, WebP, TIFF, GIF, BMP, AVIF).',
  },
  KHIEN_ERR_IMAGE_CORRUPT: {
    status: 422,
    description: 'The image could not be decoded: truncated, corrupt, or lying about its type.',
  },
  KHIEN_ERR_IMAGE_TOO_LARGE: {
    status: 413,
    description: 'The image exceeds the configured byte or pixel limit (decompression-bomb guard).',
  },
  KHIEN_ERR_IMAGE_UNREADABLE: {
    status: 500,
    description: 'The image file exists but could not be read (permissions, I/O error).',
  },

  // --- index (src/core/index, src/index-io, khien match) ---------------------------------------
  KHIEN_ERR_INDEX_SNAPSHOT_FOREIGN: {
    status: 500,
    description: 'The file is not a Khiên index snapshot (its first bytes are not the magic).',
  },
  KHIEN_ERR_INDEX_SNAPSHOT_VERSION: {
    status: 500,
    description: 'The index snapshot was written in a format version this build cannot read.',
  },
  KHIEN_ERR_INDEX_SNAPSHOT_TRUNCATED: {
    status: 500,
    description: 'The index snapshot is shorter than its header says (an interrupted write?).',
  },
  KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT: {
    status: 500,
    description: 'The index snapshot fails its checksum or its tables are inconsistent.',
  },
  KHIEN_ERR_HASH_LIST_MALFORMED: {
    status: 400,
    description:
      'A line of a hash list (khien match input) is not a hash, a `khien hash` csv line or JSON line; the details give the file and line number.',
  },

  // --- HTTP edge (src/server) ------------------------------------------------------------------
  KHIEN_ERR_ROUTE_NOT_FOUND: {
    status: 404,
    description: 'No endpoint has this path; /openapi.json lists them all.',
  },
  KHIEN_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    description:
      'The path exists but not with this HTTP method; the Allow header lists those that do.',
  },
  KHIEN_ERR_MALFORMED_JSON: {
    status: 400,
    description: 'The request body is not valid JSON (or is empty where JSON is required).',
  },
  KHIEN_ERR_JSON_FORBIDDEN_KEY: {
    status: 400,
    description:
      'The JSON holds a `__proto__` key or a `constructor` object with a `prototype` key (refused against prototype pollution).',
  },
  KHIEN_ERR_MALFORMED_REQUEST: {
    status: 400,
    description:
      'The request is not valid HTTP/1.1 (request line, header, Content-Length or chunk); the connection is closed.',
  },
  KHIEN_ERR_HEADERS_TOO_LARGE: {
    status: 431,
    description:
      'The request line and headers exceed the server limit (16 KiB by default); the connection is closed.',
  },
  KHIEN_ERR_REQUEST_TIMEOUT: {
    status: 408,
    description:
      'The request was not received within headersTimeoutMs / requestTimeoutMs; the connection is closed.',
  },
  KHIEN_ERR_PAYLOAD_TOO_LARGE: {
    status: 413,
    description: 'The request body or uploaded file exceeds maxJsonBodyBytes or maxUploadBytes.',
  },
  KHIEN_ERR_BATCH_TOO_LARGE: {
    status: 413,
    description: 'A match request carries more signals than maxBatchSize allows.',
  },
  KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'The Content-Type is not one this endpoint accepts (JSON or multipart/form-data).',
  },
  KHIEN_ERR_RATE_LIMITED: {
    status: 429,
    description: 'The API key made more requests than rateLimitPerMinute; retry after Retry-After.',
  },
  // --- video (vPDQ) --------------------------------------------------------------------------
  KHIEN_ERR_VIDEO_UNSUPPORTED: {
    status: 415,
    description: 'The file is not a video ffmpeg can read (still images go to PDQ instead).',
  },
  KHIEN_ERR_VIDEO_NO_VIDEO_STREAM: {
    status: 422,
    description: 'The file is a media file without a video stream (audio only, for example).',
  },
  KHIEN_ERR_VIDEO_CORRUPT: {
    status: 422,
    description: 'The video could not be decoded to the end: truncated, corrupt, or ffmpeg failed.',
  },
  KHIEN_ERR_VIDEO_ZERO_FRAME_RATE: {
    status: 422,
    description: 'The video states no usable frame rate (avg_frame_rate and r_frame_rate are 0).',
  },
  KHIEN_ERR_VIDEO_FRAME_TOO_SMALL: {
    status: 422,
    description: 'The frames (or the --downsample size) are under 5 pixels wide or high.',
  },
  KHIEN_ERR_VIDEO_TOO_LARGE: {
    status: 413,
    description: 'The video exceeds maxVideoBytes, maxVideoSeconds or maxVideoPixels.',
  },
  KHIEN_ERR_VIDEO_TIMEOUT: {
    status: 422,
    description: 'Decoding took longer than videoTimeoutMs; ffmpeg was stopped.',
  },
  KHIEN_ERR_VIDEO_TOOL_MISSING: {
    status: 500,
    description: 'ffmpeg or ffprobe was not found (ffmpegPath/ffprobePath, PATH, npm package).',
  },
  KHIEN_ERR_VPDQ_MALFORMED: {
    status: 400,
    description: 'A vPDQ signal is not lines of frameNumber,quality,pdqhex,timestamp.',
  },
  // --- access and service (organisations, keys, banks, entries, audit) ----------------------
  KHIEN_ERR_UNAUTHENTICATED: {
    status: 401,
    description:
      'No API key, or not a key Khiên issued (`Authorization: Bearer khien_<id>_<secret>`).',
  },
  KHIEN_ERR_KEY_EXPIRED: { status: 401, description: 'The API key is past its expiry time.' },
  KHIEN_ERR_KEY_REVOKED: { status: 401, description: 'The API key has been revoked.' },
  KHIEN_ERR_ROLE_MISSING: {
    status: 403,
    description:
      "The key lacks the role the action needs; details name the role and the key's roles.",
  },
  KHIEN_ERR_BANK_NOT_VISIBLE: {
    status: 403,
    description:
      "The caller's organisation is not the bank's owner nor on the list the action needs (match, view, contribute).",
  },
  KHIEN_ERR_REVIEW_OWN_ORGANISATION: {
    status: 403,
    description:
      "A reviewer may not review an entry contributed by the reviewer's own organisation.",
  },
  KHIEN_ERR_ORGANISATION_NOT_FOUND: { status: 404, description: 'No organisation has that id.' },
  KHIEN_ERR_KEY_NOT_FOUND: { status: 404, description: 'No API key has that id.' },
  KHIEN_ERR_BANK_NOT_FOUND: { status: 404, description: 'No bank has that id.' },
  KHIEN_ERR_ENTRY_NOT_FOUND: { status: 404, description: 'No entry has that id.' },
  KHIEN_ERR_MATCH_NOT_FOUND: {
    status: 404,
    description: 'No match with that id was reported to the caller’s organisation.',
  },
  KHIEN_ERR_ALREADY_EXISTS: {
    status: 409,
    description: 'An organisation or bank with that name already exists.',
  },
  KHIEN_ERR_CAPACITY_REACHED: {
    status: 507,
    description:
      'The store reached a built-in ceiling (signal id 4,294,967,295, the match index holding 32-bit ids); the write was rolled back.',
  },
  KHIEN_ERR_LAST_ADMIN_KEY: {
    status: 409,
    description:
      'The key is the last live admin key without an expiry: revoking it would leave no one able to manage keys (an expiring one would, later). Create another admin key first.',
  },
  KHIEN_ERR_ALREADY_BOOTSTRAPPED: {
    status: 409,
    description: 'Bootstrap runs only on an empty database; this one already has organisations.',
  },
  KHIEN_ERR_TRANSITION_INVALID: {
    status: 409,
    description: "The entry's current status does not allow that change (see docs/data-model.md).",
  },
  KHIEN_ERR_REVIEW_DUPLICATE: {
    status: 409,
    description: 'The organisation has already reviewed this entry.',
  },
  KHIEN_ERR_SIGNAL_DUPLICATE: {
    status: 409,
    description: 'A live entry of the bank already holds that signal; details name the entry.',
  },
  KHIEN_ERR_QUALITY_TOO_LOW: {
    status: 422,
    description: "The PDQ quality is below the bank's minimum quality (or missing).",
  },
  KHIEN_ERR_FACTS_INVALID: {
    status: 400,
    description: 'The law-neutral facts are not of the documented form (docs/verdicts.md).',
  },
  KHIEN_ERR_NOT_READY: {
    status: 503,
    description: 'The match index is still loading; retry when /readyz answers ready.',
  },
  KHIEN_ERR_STORE_UNAVAILABLE: {
    status: 503,
    description: 'The database cannot be opened, migrated or reached.',
  },
  KHIEN_ERR_AUDIT_CHAIN_BROKEN: {
    status: 500,
    description:
      'The audit log hash chain does not verify: a row was edited, removed or inserted. It is the `code` of a failed verification (`khien audit verify --json`, which exits 1; `GET /v1/audit/verification`, which answers 200 with `ok: false`).',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
