// Every role against every /v1 endpoint: a matrix of expected statuses. Each key belongs to the
// hotline, which owns the bank, so only the role decides; refusals are 403 naming the roles the
// endpoint needs and the roles the key has. Destructive calls get fresh state for every role.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ROLES, type Actor, type Role } from '../src/service/types.js';
import { errorBody, send, startTestServer, type SendOptions } from './http-harness.js';
import { makeWorld, type World } from './http-world.js';

let world: World;

before(async () => {
  world = await makeWorld(await startTestServer());
});
after(() => world.server.close());

const actor = (key: string): Promise<Actor> => world.server.service.authenticate(key, 'setup');
const randomPdq = () => randomBytes(32).toString('hex');

/** A pending entry contributed by the police (so hotline reviewers may review it). */
async function pendingEntry(): Promise<string> {
  const entry = await world.server.service.contribute(await actor(world.policeContributor), {
    bankId: world.bankId,
    signals: [{ type: 'pdq', value: randomPdq(), quality: 90 }],
  });
  return entry.id;
}

async function confirmedEntry(): Promise<string> {
  const id = await pendingEntry();
  for (const key of [world.ngoReviewer, world.hotline.reviewer]) {
    await world.server.service.review(await actor(key), id, { decision: 'confirm' });
  }
  return id;
}

/** A confirmed entry disputed by a matcher's false-positive report. */
async function disputedEntry(): Promise<string> {
  const match = await matchId();
  const result = await world.server.service.matchFeedback(
    await actor(world.hotline.matcher),
    match,
    {
      kind: 'false_positive',
      reason: 'looks like a stock photo',
    },
  );
  assert.equal(result.entryStatus, 'disputed');
  return result.entryId;
}

async function disabledEntry(): Promise<string> {
  const id = await confirmedEntry();
  const curator = await actor(world.hotline.curator);
  await world.server.service.disableEntry(curator, id, { reason: 'court order' });
  return id;
}

/** A match reported to the hotline's matcher key. */
async function matchId(): Promise<string> {
  const id = await confirmedEntry();
  const entry = await world.server.service.getEntry(await actor(world.hotline.curator), id);
  const answer = await world.server.service.match(await actor(world.hotline.matcher), {
    signals: [{ type: 'pdq', value: entry.signals[0].value }],
  });
  return answer.results[0].matches[0].matchId;
}

interface Row {
  readonly endpoint: string;
  /** Roles allowed, in the order the refusal message names them. */
  readonly allowed: readonly Role[];
  readonly status: number;
  readonly request: () => Promise<{ url: string } & SendOptions>;
}

const unique = () => randomBytes(4).toString('hex');

const MATRIX: readonly Row[] = [
  {
    endpoint: 'POST /v1/organisations',
    allowed: ['admin'],
    status: 201,
    request: async () => ({
      url: '/v1/organisations',
      json: { name: `Org ${unique()}`, kind: 'ngo' },
    }),
  },
  {
    endpoint: 'GET /v1/organisations',
    allowed: ['admin', 'curator', 'auditor'],
    status: 200,
    request: async () => ({ url: '/v1/organisations' }),
  },
  {
    endpoint: 'GET /v1/organisations/:orgId',
    allowed: ['admin', 'curator', 'auditor'],
    status: 200,
    request: async () => ({ url: `/v1/organisations/${world.orgs.police}` }),
  },
  {
    endpoint: 'POST /v1/keys',
    allowed: ['admin'],
    status: 201,
    request: async () => ({
      url: '/v1/keys',
      json: { orgId: world.orgs.ngo, roles: ['reviewer'] },
    }),
  },
  {
    endpoint: 'GET /v1/keys',
    allowed: ['admin'],
    status: 200,
    request: async () => ({ url: `/v1/keys?orgId=${world.orgs.ngo}` }),
  },
  {
    endpoint: 'POST /v1/keys/:keyId/revoke',
    allowed: ['admin'],
    status: 200,
    request: async () => {
      const made = await world.server.service.createKey(await actor(world.adminKey), {
        orgId: world.orgs.ngo,
        roles: ['reviewer'],
      });
      return { url: `/v1/keys/${made.info.id}/revoke` };
    },
  },
  {
    endpoint: 'POST /v1/banks',
    allowed: ['curator'],
    status: 201,
    request: async () => ({ url: '/v1/banks', json: { name: `Bank ${unique()}` } }),
  },
  {
    endpoint: 'GET /v1/banks',
    allowed: [...ROLES],
    status: 200,
    request: async () => ({ url: '/v1/banks' }),
  },
  {
    endpoint: 'GET /v1/banks/:bankId',
    allowed: [...ROLES],
    status: 200,
    request: async () => ({ url: `/v1/banks/${world.bankId}` }),
  },
  {
    endpoint: 'PATCH /v1/banks/:bankId',
    allowed: ['curator'],
    status: 200,
    request: async () => ({ url: `/v1/banks/${world.bankId}`, json: { description: unique() } }),
  },
  {
    endpoint: 'POST /v1/banks/:bankId/entries',
    allowed: ['contributor'],
    status: 201,
    request: async () => ({
      url: `/v1/banks/${world.bankId}/entries`,
      json: { signals: [{ type: 'pdq', value: randomPdq(), quality: 80 }] },
    }),
  },
  {
    endpoint: 'GET /v1/banks/:bankId/entries',
    allowed: ['curator', 'reviewer', 'contributor', 'auditor'],
    status: 200,
    request: async () => ({ url: `/v1/banks/${world.bankId}/entries?limit=5` }),
  },
  {
    endpoint: 'GET /v1/entries/:entryId',
    allowed: ['curator', 'reviewer', 'contributor', 'auditor'],
    status: 200,
    request: async () => ({ url: `/v1/entries/${await pendingEntry()}` }),
  },
  {
    endpoint: 'POST /v1/entries/:entryId/reviews',
    allowed: ['reviewer'],
    status: 200,
    request: async () => ({
      url: `/v1/entries/${await pendingEntry()}/reviews`,
      json: { decision: 'confirm' },
    }),
  },
  {
    endpoint: 'POST /v1/entries/:entryId/resolution',
    allowed: ['curator'],
    status: 200,
    request: async () => ({
      url: `/v1/entries/${await disputedEntry()}/resolution`,
      json: { outcome: 'confirm', reason: 'checked again: it is the known image' },
    }),
  },
  {
    endpoint: 'POST /v1/entries/:entryId/disable',
    allowed: ['curator'],
    status: 200,
    request: async () => ({
      url: `/v1/entries/${await confirmedEntry()}/disable`,
      json: { reason: 'court order' },
    }),
  },
  {
    endpoint: 'POST /v1/entries/:entryId/enable',
    allowed: ['curator'],
    status: 200,
    request: async () => ({ url: `/v1/entries/${await disabledEntry()}/enable`, json: {} }),
  },
  {
    endpoint: 'DELETE /v1/entries/:entryId',
    allowed: ['curator'],
    status: 200,
    request: async () => ({ url: `/v1/entries/${await confirmedEntry()}?reason=withdrawn` }),
  },
  {
    endpoint: 'POST /v1/match',
    allowed: ['matcher'],
    status: 200,
    request: async () => ({
      url: '/v1/match',
      json: { signals: [{ type: 'pdq', value: randomPdq() }] },
    }),
  },
  {
    endpoint: 'POST /v1/matches/:matchId/feedback',
    allowed: ['matcher'],
    status: 200,
    request: async () => ({
      url: `/v1/matches/${await matchId()}/feedback`,
      json: { kind: 'false_positive', reason: 'a holiday photo' },
    }),
  },
  {
    endpoint: 'GET /v1/statistics',
    allowed: ['admin', 'auditor', 'curator', 'matcher'],
    status: 200,
    request: async () => ({ url: '/v1/statistics' }),
  },
  {
    endpoint: 'GET /v1/audit',
    allowed: ['auditor'],
    status: 200,
    request: async () => ({ url: '/v1/audit?limit=3' }),
  },
  {
    endpoint: 'GET /v1/audit/verification',
    allowed: ['auditor'],
    status: 200,
    request: async () => ({ url: '/v1/audit/verification' }),
  },
];

test('the matrix covers every /v1 endpoint the server registers', async () => {
  const doc = (await send(world.server.app, 'GET', '/openapi.json')).json();
  const documented = Object.entries(doc.paths as Record<string, object>)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
  assert.deepEqual(MATRIX.map((r) => r.endpoint).sort(), documented.sort());
});

for (const row of MATRIX) {
  test(`${row.endpoint}: ${row.allowed.join(', ')} → ${row.status}; other roles → 403`, async () => {
    const method = row.endpoint.split(' ')[0];
    for (const role of ROLES) {
      const { url, ...options } = await row.request();
      const res = await send(world.server.app, method, url, {
        ...options,
        key: world.hotline[role],
      });
      if (row.allowed.includes(role)) {
        assert.equal(res.statusCode, row.status, `${role} on ${row.endpoint}: ${res.body}`);
        continue;
      }
      assert.equal(res.statusCode, 403, `${role} on ${row.endpoint}: ${res.body}`);
      assert.deepEqual(
        res.json(),
        errorBody(
          'KHIEN_ERR_ROLE_MISSING',
          `this action needs ${neededRoles(row.allowed)}; the key has ${role}`,
          { required: row.allowed, roles: [role] },
        ),
      );
    }
  });
}

test('a refusal names one role, or lists several as one of the roles', async () => {
  const several = await send(world.server.app, 'GET', `/v1/banks/${world.bankId}/entries`, {
    key: world.hotline.matcher,
  });
  assert.equal(
    several.json().error.message,
    'this action needs one of the roles curator, reviewer, contributor, auditor; ' +
      'the key has matcher',
  );

  const one = await send(world.server.app, 'GET', '/v1/audit', { key: world.hotline.matcher });
  assert.equal(one.json().error.message, 'this action needs the auditor role; the key has matcher');
});

/** How a refusal names the roles an endpoint takes. */
function neededRoles(roles: readonly string[]): string {
  return roles.length === 1 ? `the ${roles[0]} role` : `one of the roles ${roles.join(', ')}`;
}
