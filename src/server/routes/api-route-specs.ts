/**
 * Every authenticated /v1 endpoint, in the order the OpenAPI document lists them.
 */
import type { AnyRouteSpec } from '../route-spec.js';
import type { ServerContext } from '../build-server.js';
import { bankRoutes } from './bank-routes.js';
import { entryRoutes } from './entry-routes.js';
import { matchRoutes } from './match-routes.js';
import { partyRoutes } from './party-routes.js';
import { reportRoutes } from './report-routes.js';

export function apiRouteSpecs(context: ServerContext): AnyRouteSpec[] {
  return [
    ...partyRoutes(context),
    ...bankRoutes(context),
    ...entryRoutes(context),
    ...matchRoutes(context),
    ...reportRoutes(context),
  ];
}
