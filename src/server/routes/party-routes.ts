/**
 * Endpoints of organisations and API keys (admin). A created key is in the answer once and
 * nowhere else; the service stores only its hash.
 */
import { defineRoute, type AnyRouteSpec } from '../route-spec.js';
import type { ServerContext } from '../build-server.js';
import {
  CREATE_KEY,
  CREATE_ORGANISATION,
  CREATED_KEY,
  KEY_ID_PARAMS,
  KEY_INFO,
  KEY_LIST,
  KEY_LIST_QUERY,
  ORGANISATION,
  ORGANISATION_LIST,
  ORG_ID_PARAMS,
} from '../schemas/party-schemas.js';

const ORG_TAGS = ['organisations'];
const KEY_TAGS = ['keys'];

export function partyRoutes({ service }: ServerContext): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/organisations',
      operationId: 'createOrganisation',
      summary: 'Create an organisation (authority, hotline, ngo, platform or partner).',
      tags: ORG_TAGS,
      roles: ['admin'],
      body: CREATE_ORGANISATION,
      status: 201,
      response: ORGANISATION,
      errors: ['KHIEN_ERR_ALREADY_EXISTS'],
      handler: ({ actor, body }) => service.createOrganisation(actor, body!),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/organisations',
      operationId: 'listOrganisations',
      summary: 'List organisations.',
      tags: ORG_TAGS,
      status: 200,
      response: ORGANISATION_LIST,
      handler: async ({ actor }) => ({ organisations: await service.listOrganisations(actor) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/organisations/:orgId',
      operationId: 'getOrganisation',
      summary: 'Get one organisation.',
      tags: ORG_TAGS,
      params: ORG_ID_PARAMS,
      status: 200,
      response: ORGANISATION,
      errors: ['KHIEN_ERR_ORGANISATION_NOT_FOUND'],
      handler: ({ actor, params }) => service.getOrganisation(actor, params.orgId),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/keys',
      operationId: 'createKey',
      summary: 'Create an API key for an organisation; the key is shown once.',
      tags: KEY_TAGS,
      roles: ['admin'],
      body: CREATE_KEY,
      status: 201,
      response: CREATED_KEY,
      errors: ['KHIEN_ERR_ORGANISATION_NOT_FOUND'],
      handler: ({ actor, body }) => service.createKey(actor, body!),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/keys',
      operationId: 'listKeys',
      summary: 'List API keys (never their secrets), optionally of one organisation.',
      tags: KEY_TAGS,
      roles: ['admin'],
      query: KEY_LIST_QUERY,
      status: 200,
      response: KEY_LIST,
      handler: async ({ actor, query }) => ({ keys: await service.listKeys(actor, query) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/keys/:keyId/revoke',
      operationId: 'revokeKey',
      summary: 'Revoke an API key; it stops authenticating at once.',
      tags: KEY_TAGS,
      roles: ['admin'],
      params: KEY_ID_PARAMS,
      status: 200,
      response: KEY_INFO,
      errors: ['KHIEN_ERR_KEY_NOT_FOUND', 'KHIEN_ERR_LAST_ADMIN_KEY'],
      handler: ({ actor, params }) => service.revokeKey(actor, params.keyId),
    }),
  ];
}
