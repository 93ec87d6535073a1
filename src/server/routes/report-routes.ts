/**
 * Endpoints of the reading side: statistics of entries and matches, and the audit log with its
 * chain verification (auditors).
 */
import { defineRoute, type AnyRouteSpec } from '../route-spec.js';
import type { ServerContext } from '../build-server.js';
import {
  AUDIT_PAGE,
  AUDIT_QUERY,
  AUDIT_VERIFICATION,
  STATISTICS,
  STATISTICS_QUERY,
} from '../schemas/report-schemas.js';

export function reportRoutes({ service }: ServerContext): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/statistics',
      operationId: 'statistics',
      summary: 'Entries by bank and status; matches by bank and by caller.',
      tags: ['statistics'],
      query: STATISTICS_QUERY,
      status: 200,
      response: STATISTICS,
      handler: ({ actor, query }) => service.statistics(actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/audit',
      operationId: 'queryAudit',
      summary: 'Audit log rows by time, organisation and action, oldest first.',
      tags: ['audit'],
      roles: ['auditor'],
      query: AUDIT_QUERY,
      status: 200,
      response: AUDIT_PAGE,
      handler: ({ actor, query }) => service.queryAudit(actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/audit/verification',
      operationId: 'verifyAudit',
      summary: "Walk the audit log's hash chain and name the first row that does not verify.",
      tags: ['audit'],
      roles: ['auditor'],
      status: 200,
      response: AUDIT_VERIFICATION,
      handler: ({ actor }) => service.verifyAudit(actor),
    }),
  ];
}
