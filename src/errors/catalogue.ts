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
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
