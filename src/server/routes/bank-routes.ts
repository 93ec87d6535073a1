/**
 * Endpoints of banks: create (curator), list and read (owner and listed organisations), and
 * update of description, policy and visibility lists (curator of the owner).
 */
import { defineRoute, type AnyRouteSpec } from '../route-spec.js';
import type { ServerContext } from '../build-server.js';
import {
  BANK,
  BANK_ID_PARAMS,
  BANK_LIST,
  CREATE_BANK,
  UPDATE_BANK,
} from '../schemas/bank-schemas.js';

const TAGS = ['banks'];

export function bankRoutes({ service }: ServerContext): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/banks',
      operationId: 'createBank',
      summary: "Create a bank owned by the caller's organisation.",
      tags: TAGS,
      roles: ['curator'],
      body: CREATE_BANK,
      status: 201,
      response: BANK,
      errors: ['KHIEN_ERR_ALREADY_EXISTS', 'KHIEN_ERR_ORGANISATION_NOT_FOUND'],
      handler: ({ actor, body }) => service.createBank(actor, body!),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/banks',
      operationId: 'listBanks',
      summary: "List the banks the caller's organisation owns or is listed on.",
      tags: TAGS,
      status: 200,
      response: BANK_LIST,
      handler: async ({ actor }) => ({ banks: await service.listBanks(actor) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/banks/:bankId',
      operationId: 'getBank',
      summary: 'Get one bank.',
      tags: TAGS,
      params: BANK_ID_PARAMS,
      status: 200,
      response: BANK,
      errors: ['KHIEN_ERR_BANK_NOT_FOUND', 'KHIEN_ERR_BANK_NOT_VISIBLE'],
      handler: ({ actor, params }) => service.getBank(actor, params.bankId),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/v1/banks/:bankId',
      operationId: 'updateBank',
      summary: "Update a bank's description, match policy or visibility lists.",
      description: 'Fields left out keep their value; a list given replaces the old list.',
      tags: TAGS,
      roles: ['curator'],
      params: BANK_ID_PARAMS,
      body: UPDATE_BANK,
      status: 200,
      response: BANK,
      errors: ['KHIEN_ERR_BANK_NOT_FOUND', 'KHIEN_ERR_BANK_NOT_VISIBLE'],
      handler: ({ actor, params, body }) => service.updateBank(actor, params.bankId, body!),
    }),
  ];
}
