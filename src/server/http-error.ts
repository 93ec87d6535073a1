/**
 * The one place where failures become HTTP answers. Domain errors arrive as KhienError and keep
 * their catalogue code and status; errors raised by fastify and its plugins (body parsing,
 * content types, multipart limits) are translated into catalogue codes, so every error body has
 * the same shape: `{"error":{"code","message","details"}}`.
 */
import { KhienError, isKhienError, toKhienError, type ErrorCode } from '../errors/index.js';

/** Fastify and plugin error codes → catalogue codes, with the message we answer with. */
const FRAMEWORK_ERRORS: Readonly<Record<string, { code: ErrorCode; message: string }>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE',
    message: 'expected Content-Type application/json or multipart/form-data',
  },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    code: 'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE',
    message: 'expected a multipart/form-data upload',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'KHIEN_ERR_PAYLOAD_TOO_LARGE',
    message: 'the request body exceeds maxJsonBodyBytes',
  },
  FST_REQ_FILE_TOO_LARGE: {
    code: 'KHIEN_ERR_PAYLOAD_TOO_LARGE',
    message: 'the uploaded file exceeds maxUploadBytes',
  },
  FST_FILES_LIMIT: {
    code: 'KHIEN_ERR_INVALID_ARGUMENT',
    message: 'expected exactly one file in the multipart field "media", got more',
  },
  FST_PARTS_LIMIT: {
    code: 'KHIEN_ERR_INVALID_ARGUMENT',
    message: 'the multipart body has more parts than the endpoint accepts',
  },
  FST_FIELDS_LIMIT: {
    code: 'KHIEN_ERR_INVALID_ARGUMENT',
    message: 'the multipart body has more fields than the endpoint accepts',
  },
  FST_PROTO_VIOLATION: {
    code: 'KHIEN_ERR_INVALID_ARGUMENT',
    message: 'a multipart field name is not allowed',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'KHIEN_ERR_MALFORMED_JSON',
    message: 'the body is empty but Content-Type is application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'KHIEN_ERR_MALFORMED_JSON',
    message: 'the body is not valid JSON',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'KHIEN_ERR_INVALID_ARGUMENT',
    message: 'the Content-Length header does not match the body',
  },
};

/**
 * Turns anything thrown while serving a request into a KhienError (`contentType` is the
 * request's, named in 415 messages). Unknown failures become
 * KHIEN_ERR_INTERNAL with a message that reveals nothing of the inside; the caller logs the
 * original.
 */
export function toHttpError(err: unknown, contentType?: string): KhienError {
  if (isKhienError(err)) return err;

  const fastifyCode = (err as { code?: unknown } | null)?.code;
  const known = typeof fastifyCode === 'string' ? FRAMEWORK_ERRORS[fastifyCode] : undefined;
  if (known?.code === 'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE') {
    const got = contentType ?? 'no Content-Type';
    return new KhienError(
      known.code,
      `${known.message}, got ${got}`,
      { contentType: got },
      {
        cause: err,
      },
    );
  }
  if (known) return new KhienError(known.code, known.message, {}, { cause: err });

  if (err instanceof SyntaxError && (err as { statusCode?: number }).statusCode === 400) {
    return new KhienError(
      'KHIEN_ERR_MALFORMED_JSON',
      'the body is not valid JSON',
      {},
      { cause: err },
    );
  }
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = err instanceof Error ? err.message : String(err);
    return new KhienError('KHIEN_ERR_INVALID_ARGUMENT', message, {}, { cause: err });
  }
  // Failures the catalogue knows from below (the store's signal id ceiling) keep their code.
  const coded = toKhienError(err);
  if (coded.code !== 'KHIEN_ERR_INTERNAL') return coded;
  return new KhienError(
    'KHIEN_ERR_INTERNAL',
    'an unexpected failure; see the server log',
    {},
    {
      cause: err,
    },
  );
}
