/**
 * The cast of the HTTP tests, made through the API itself: a bootstrap admin, a hotline that
 * owns a positive bank and an allow-list, a police authority and an NGO that review, a
 * platform that matches, and an outsider platform with a private bank of its own. Each
 * organisation gets the keys its part needs; the hotline has one key per role for the matrix.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ROLES, type Role } from '../src/service/types.js';
import { FIXTURES, send, type SendOptions, type TestServer } from './http-harness.js';

/** A JSON answer: tests check it by value against exact expectations, not by type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = any;

export interface World {
  readonly server: TestServer;
  readonly adminKey: string;
  readonly orgs: Record<'root' | 'hotline' | 'police' | 'ngo' | 'platform' | 'outsider', string>;
  /** The hotline's keys, one per role. */
  readonly hotline: Record<Role, string>;
  readonly policeReviewer: string;
  readonly policeContributor: string;
  readonly ngoReviewer: string;
  readonly platformMatcher: string;
  readonly outsiderCurator: string;
  readonly outsiderMatcher: string;
  /** Hotline-owned positive bank: police/NGO view it, police contributes, platform matches. */
  readonly bankId: string;
  /** Hotline-owned allow-list the platform matches against; police and NGO review it. */
  readonly allowBankId: string;
  /** The outsider's bank, shared with nobody. */
  readonly privateBankId: string;
  /** Sends a request and asserts its status, returning the parsed body. */
  call(method: string, url: string, options: SendOptions, status: number): Promise<Body>;
}

/** Builds the world on a fresh server. */
export async function makeWorld(server: TestServer): Promise<World> {
  const app = server.app;
  const call = (method: string, url: string, options: SendOptions, status: number) =>
    expectStatus(app, method, url, options, status);
  const boot = await server.service.bootstrap({ orgName: 'Root authority', kind: 'authority' });
  const adminKey = boot.key;
  const org = async (name: string, kind: string) =>
    (await call('POST', '/v1/organisations', { key: adminKey, json: { name, kind } }, 201)).id;
  const key = async (orgId: string, roles: Role[]) =>
    (await call('POST', '/v1/keys', { key: adminKey, json: { orgId, roles } }, 201)).key;

  const orgs = {
    root: boot.organisation.id,
    hotline: await org('Hotline', 'hotline'),
    police: await org('Police authority', 'authority'),
    ngo: await org('Child-protection NGO', 'ngo'),
    platform: await org('Platform', 'platform'),
    outsider: await org('Outsider platform', 'platform'),
  };
  const hotline = {} as Record<Role, string>;
  for (const role of ROLES) hotline[role] = await key(orgs.hotline, [role]);

  const world = {
    server,
    adminKey,
    orgs,
    hotline,
    policeReviewer: await key(orgs.police, ['reviewer']),
    policeContributor: await key(orgs.police, ['contributor']),
    ngoReviewer: await key(orgs.ngo, ['reviewer']),
    platformMatcher: await key(orgs.platform, ['matcher']),
    outsiderCurator: await key(orgs.outsider, ['curator', 'contributor']),
    outsiderMatcher: await key(orgs.outsider, ['matcher']),
    call,
  };
  const bank = await call(
    'POST',
    '/v1/banks',
    {
      key: hotline.curator,
      json: {
        name: 'National list',
        description: 'Confirmed by two bodies',
        matchers: [orgs.platform],
        viewers: [orgs.police, orgs.ngo],
        contributors: [orgs.police],
      },
    },
    201,
  );
  const allow = await call(
    'POST',
    '/v1/banks',
    {
      key: hotline.curator,
      json: {
        name: 'Known false positives',
        kind: 'allow',
        matchers: [orgs.platform],
        viewers: [orgs.police, orgs.ngo],
      },
    },
    201,
  );
  const privateBank = await call(
    'POST',
    '/v1/banks',
    { key: world.outsiderCurator, json: { name: 'Outsider private list' } },
    201,
  );
  return { ...world, bankId: bank.id, allowBankId: allow.id, privateBankId: privateBank.id };
}

async function expectStatus(
  app: FastifyInstance,
  method: string,
  url: string,
  options: SendOptions,
  status: number,
) {
  const res = await send(app, method, url, options);
  assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
  return res.headers['content-type']?.toString().startsWith('application/json')
    ? res.json()
    : res.body;
}

/** Reference PDQ hashes and qualities of the fixtures (`full` mode), by path under images/. */
export function referenceHashes(): Map<string, { hash: string; quality: number }> {
  const out = new Map<string, { hash: string; quality: number }>();
  const csv = readFileSync(join(FIXTURES, 'pdq-expected.csv'), 'utf8').trim().split('\n');
  for (const line of csv.slice(1)) {
    const [file, mode, hash, quality] = line.split(',');
    if (mode === 'full') out.set(file, { hash, quality: Number(quality) });
  }
  return out;
}

/** The 8 reference dihedral hashes (`full` mode) of a fixture, in reference order. */
export function referenceDihedral(file: string): string[] {
  const csv = readFileSync(join(FIXTURES, 'pdq-dihedral-expected.csv'), 'utf8').split('\n');
  const row = csv.find((l) => l.startsWith(`${file},full,`));
  assert.ok(row, `no dihedral reference for ${file}`);
  return row.split(',').slice(2, 10);
}

/** Hamming distance of two PDQ hex strings. */
export function hexDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i], 16) ^ parseInt(b[i], 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

/** A fixture image's bytes, by path under images/. */
export function fixtureImage(file: string): Buffer {
  return readFileSync(join(FIXTURES, 'images', file));
}
