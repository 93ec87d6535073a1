/**
 * Endpoints of entries: contribution by hashes (JSON) or by upload (multipart, hashed in memory
 * and dropped), listing by bank, reading with verdicts and history, and every lifecycle step:
 * review (confirm, reject, dispute), dispute resolution, disable, enable and delete (tombstone).
 */
import { parseInput } from '../parse-input.js';
import { parseJson } from '../json-body.js';
import { defineRoute, type AnyRouteSpec, type UploadedMedia } from '../route-spec.js';
import type { ServerContext } from '../build-server.js';
import { BANK_ID_PARAMS } from '../schemas/bank-schemas.js';
import {
  CONTRIBUTE,
  DISABLE,
  ENTRY,
  ENTRY_DETAIL,
  ENTRY_ID_PARAMS,
  ENTRY_LIST_QUERY,
  ENTRY_METADATA,
  ENTRY_PAGE,
  REASON_BODY,
  REASON_QUERY,
  RESOLVE_DISPUTE,
  REVIEW,
} from '../schemas/entry-schemas.js';

const TAGS = ['entries'];
const FACT_CODES = { facts: 'KHIEN_ERR_FACTS_INVALID' } as const;

/** The multipart text field holding the entry's facts, note and external id as JSON. */
export const ENTRY_FIELD = 'entry';

export function entryRoutes({ service }: ServerContext): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/banks/:bankId/entries',
      operationId: 'contribute',
      summary: 'Contribute an entry by its fingerprints (JSON) or by uploading the media.',
      description:
        'JSON: the signals hashed by the caller, with facts. Multipart: the file in `media` ' +
        '(hashed in memory with the PDQ, MD5, SHA-1 and SHA-256 of Khiên, then dropped: never ' +
        'written to disk or the database) and optionally the facts, note and external id as ' +
        'JSON in the field `entry`. The entry starts `pending`.',
      tags: TAGS,
      roles: ['contributor'],
      params: BANK_ID_PARAMS,
      body: CONTRIBUTE,
      fieldCodes: FACT_CODES,
      upload: {
        description: 'The image to hash (JPEG, PNG, WebP, TIFF, GIF, BMP, AVIF).',
        fields: { [ENTRY_FIELD]: 'JSON: {"facts":{…},"note":"…","externalId":"…"} (optional).' },
      },
      status: 201,
      response: ENTRY,
      errors: [
        'KHIEN_ERR_BANK_NOT_FOUND',
        'KHIEN_ERR_BANK_NOT_VISIBLE',
        'KHIEN_ERR_HASH_MALFORMED',
        'KHIEN_ERR_QUALITY_TOO_LOW',
        'KHIEN_ERR_FACTS_INVALID',
        'KHIEN_ERR_SIGNAL_DUPLICATE',
        'KHIEN_ERR_MALFORMED_JSON',
        'KHIEN_ERR_PAYLOAD_TOO_LARGE',
        'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE',
        'KHIEN_ERR_IMAGE_UNSUPPORTED',
        'KHIEN_ERR_IMAGE_CORRUPT',
        'KHIEN_ERR_IMAGE_TOO_LARGE',
      ],
      handler: ({ actor, params, body, upload }) => {
        if (!upload) return service.contribute(actor, { bankId: params.bankId, ...body! });
        const metadata = uploadMetadata(upload);
        return service.contributeImage(actor, {
          bankId: params.bankId,
          image: upload.bytes,
          ...metadata,
        });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/banks/:bankId/entries',
      operationId: 'listEntries',
      summary: "List a bank's entries, oldest first, a page at a time.",
      tags: TAGS,
      params: BANK_ID_PARAMS,
      query: ENTRY_LIST_QUERY,
      status: 200,
      response: ENTRY_PAGE,
      errors: ['KHIEN_ERR_BANK_NOT_FOUND', 'KHIEN_ERR_BANK_NOT_VISIBLE'],
      handler: ({ actor, params, query }) =>
        service.listEntries(actor, { bankId: params.bankId, ...query }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/entries/:entryId',
      operationId: 'getEntry',
      summary: 'Get an entry with its verdicts, reviews and history.',
      tags: TAGS,
      params: ENTRY_ID_PARAMS,
      status: 200,
      response: ENTRY_DETAIL,
      errors: ['KHIEN_ERR_ENTRY_NOT_FOUND', 'KHIEN_ERR_BANK_NOT_VISIBLE'],
      handler: ({ actor, params }) => service.getEntry(actor, params.entryId),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/entries/:entryId/reviews',
      operationId: 'reviewEntry',
      summary: 'Review an entry: confirm, reject or dispute it.',
      description:
        'By a reviewer of an organisation other than the contributor. Enough confirmations ' +
        '(reviewsRequired) make the entry `confirmed` and matchable; a dispute stops it matching.',
      tags: TAGS,
      roles: ['reviewer'],
      params: ENTRY_ID_PARAMS,
      body: REVIEW,
      status: 200,
      response: ENTRY,
      errors: [
        'KHIEN_ERR_ENTRY_NOT_FOUND',
        'KHIEN_ERR_BANK_NOT_VISIBLE',
        'KHIEN_ERR_REVIEW_OWN_ORGANISATION',
        'KHIEN_ERR_REVIEW_DUPLICATE',
        'KHIEN_ERR_TRANSITION_INVALID',
      ],
      handler: ({ actor, params, body }) => service.review(actor, params.entryId, body!),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/entries/:entryId/resolution',
      operationId: 'resolveDispute',
      summary: 'Settle a dispute: confirm the entry again or disable it.',
      tags: TAGS,
      roles: ['curator'],
      params: ENTRY_ID_PARAMS,
      body: RESOLVE_DISPUTE,
      status: 200,
      response: ENTRY,
      errors: [
        'KHIEN_ERR_ENTRY_NOT_FOUND',
        'KHIEN_ERR_BANK_NOT_VISIBLE',
        'KHIEN_ERR_TRANSITION_INVALID',
      ],
      handler: ({ actor, params, body }) => service.resolveDispute(actor, params.entryId, body!),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/entries/:entryId/disable',
      operationId: 'disableEntry',
      summary: 'Disable an entry (with a reason, optionally until a time); it stops matching.',
      tags: TAGS,
      roles: ['curator'],
      params: ENTRY_ID_PARAMS,
      body: DISABLE,
      status: 200,
      response: ENTRY,
      errors: [
        'KHIEN_ERR_ENTRY_NOT_FOUND',
        'KHIEN_ERR_BANK_NOT_VISIBLE',
        'KHIEN_ERR_TRANSITION_INVALID',
      ],
      handler: ({ actor, params, body }) => service.disableEntry(actor, params.entryId, body!),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/entries/:entryId/enable',
      operationId: 'enableEntry',
      summary: 'Enable a disabled entry again.',
      tags: TAGS,
      roles: ['curator'],
      params: ENTRY_ID_PARAMS,
      body: REASON_BODY,
      status: 200,
      response: ENTRY,
      errors: [
        'KHIEN_ERR_ENTRY_NOT_FOUND',
        'KHIEN_ERR_BANK_NOT_VISIBLE',
        'KHIEN_ERR_TRANSITION_INVALID',
      ],
      handler: ({ actor, params, body }) => service.enableEntry(actor, params.entryId, body!),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/v1/entries/:entryId',
      operationId: 'deleteEntry',
      summary: 'Delete an entry, keeping a tombstone so exports and partners learn of it.',
      tags: TAGS,
      roles: ['curator'],
      params: ENTRY_ID_PARAMS,
      query: REASON_QUERY,
      status: 200,
      response: ENTRY,
      errors: [
        'KHIEN_ERR_ENTRY_NOT_FOUND',
        'KHIEN_ERR_BANK_NOT_VISIBLE',
        'KHIEN_ERR_TRANSITION_INVALID',
      ],
      handler: ({ actor, params, query }) => service.deleteEntry(actor, params.entryId, query),
    }),
  ];
}

/** The facts, note and external id sent as JSON in the upload's `entry` field. */
function uploadMetadata(upload: UploadedMedia) {
  const text = upload.fields[ENTRY_FIELD];
  if (text === undefined) return {};
  // As a JSON body is parsed: the same refusals (malformed, prototype-poisoning keys).
  const value = parseJson(text, `the multipart field "${ENTRY_FIELD}"`);
  return parseInput(ENTRY_METADATA, value, ENTRY_FIELD, FACT_CODES);
}
