/**
 * Endpoints of matching: a batch of fingerprints or an uploaded image against every bank the
 * caller may match, and feedback on a match (a false positive opens a dispute). The platform's
 * media is hashed in memory and dropped.
 */
import { KhienError } from '../../errors/index.js';
import { defineRoute, type AnyRouteSpec } from '../route-spec.js';
import type { ServerContext } from '../build-server.js';
import {
  MATCH_FEEDBACK,
  MATCH_FEEDBACK_RESULT,
  MATCH_ID_PARAMS,
  MATCH_REQUEST,
  MATCH_RESULT,
} from '../schemas/match-schemas.js';
import type { MatchResult } from '../../service/types.js';

const TAGS = ['matching'];

export function matchRoutes({ service, config, metrics }: ServerContext): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/match',
      operationId: 'match',
      summary: 'Match fingerprints (JSON) or an uploaded image against the visible banks.',
      description:
        'Answers, per query signal in the order sent, the confirmed entries within the bank ' +
        "policy's distance that the caller's organisation may match: entry, bank, distance, " +
        'dihedral variant (image uploads), verdicts and confirmation count. Allow-list entries ' +
        `suppress matches. At most maxBatchSize signals (default 100) per request.`,
      tags: TAGS,
      roles: ['matcher'],
      body: MATCH_REQUEST,
      upload: { description: 'An image to hash in memory (with its 8 dihedral variants).' },
      status: 200,
      response: MATCH_RESULT,
      errors: [
        'KHIEN_ERR_HASH_MALFORMED',
        'KHIEN_ERR_BATCH_TOO_LARGE',
        'KHIEN_ERR_NOT_READY',
        'KHIEN_ERR_MALFORMED_JSON',
        'KHIEN_ERR_PAYLOAD_TOO_LARGE',
        'KHIEN_ERR_UNSUPPORTED_MEDIA_TYPE',
        'KHIEN_ERR_IMAGE_UNSUPPORTED',
        'KHIEN_ERR_IMAGE_CORRUPT',
        'KHIEN_ERR_IMAGE_TOO_LARGE',
      ],
      handler: async ({ actor, body, upload }) => {
        let result: MatchResult;
        if (upload) {
          result = await service.matchImage(actor, { image: upload.bytes });
        } else {
          checkBatchSize(body!.signals.length, config.maxBatchSize);
          result = await service.match(actor, body!);
        }
        metrics.observeMatch(result.results.length, countHits(result));
        return result;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/matches/:matchId/feedback',
      operationId: 'matchFeedback',
      summary: 'Report a match as a false positive; the entry is disputed and stops matching.',
      tags: TAGS,
      roles: ['matcher'],
      params: MATCH_ID_PARAMS,
      body: MATCH_FEEDBACK,
      status: 200,
      response: MATCH_FEEDBACK_RESULT,
      errors: ['KHIEN_ERR_MATCH_NOT_FOUND', 'KHIEN_ERR_TRANSITION_INVALID'],
      handler: ({ actor, params, body }) => service.matchFeedback(actor, params.matchId, body!),
    }),
  ];
}

function checkBatchSize(count: number, max: number): void {
  if (count > max) {
    throw new KhienError(
      'KHIEN_ERR_BATCH_TOO_LARGE',
      `expected at most ${max} signals per match request, got ${count}`,
      { max, got: count },
    );
  }
}

function countHits(result: MatchResult): number {
  let hits = 0;
  for (const query of result.results) hits += query.matches.length;
  return hits;
}
