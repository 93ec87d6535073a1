/**
 * Reads a multipart upload into memory: one file in the field `media` plus the text fields the
 * endpoint declares. The bytes are handed to the service for hashing and then dropped; nothing
 * is written to disk (we never call the plugin's saveRequestFiles, which would use a temp dir).
 * The size limit is enforced while streaming, so an oversized upload is cut off, not buffered.
 */
import type { FastifyRequest } from 'fastify';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { KhienError, isKhienError } from '../errors/index.js';
import type { UploadSpec, UploadedMedia } from './route-spec.js';

/** The multipart field that carries the file. */
export const MEDIA_FIELD = 'media';

/** Reads the file and fields of a multipart request; coded errors for every malformed case. */
export async function readUpload(
  request: FastifyRequest,
  spec: UploadSpec,
): Promise<UploadedMedia> {
  const fields: Record<string, string> = {};
  let file: { bytes: Buffer; filename: string; mimetype: string } | undefined;

  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') file = await readFilePart(part);
      else fields[part.fieldname] = readFieldPart(part, spec);
    }
  } catch (err) {
    throw asUploadError(err);
  }

  if (!file) {
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `expected a file in the multipart field "${MEDIA_FIELD}", got none`,
      { field: MEDIA_FIELD },
    );
  }
  return { ...file, fields };
}

async function readFilePart(part: MultipartFile) {
  if (part.fieldname !== MEDIA_FIELD) {
    part.file.resume();
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `expected the file in the multipart field "${MEDIA_FIELD}", got "${part.fieldname}"`,
      { field: part.fieldname },
    );
  }
  const bytes = await part.toBuffer();
  if (bytes.length === 0) {
    throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', 'the uploaded file is empty (0 bytes)', {
      field: MEDIA_FIELD,
    });
  }
  return { bytes, filename: part.filename, mimetype: part.mimetype };
}

function readFieldPart(part: MultipartValue, spec: UploadSpec): string {
  const known = Object.keys(spec.fields ?? {});
  if (!known.includes(part.fieldname)) {
    const expected = [MEDIA_FIELD, ...known].map((f) => `"${f}"`).join(', ');
    throw new KhienError(
      'KHIEN_ERR_INVALID_ARGUMENT',
      `unknown multipart field "${part.fieldname}"; expected ${expected}`,
      { field: part.fieldname },
    );
  }
  return String(part.value);
}

/** Plugin limit errors keep their codes (mapped later); busboy's parse errors become 400. */
function asUploadError(err: unknown): unknown {
  if (isKhienError(err)) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('FST_')) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new KhienError(
    'KHIEN_ERR_INVALID_ARGUMENT',
    `malformed multipart body: ${message}`,
    {},
    {
      cause: err,
    },
  );
}
