/**
 * A small world for service tests: an authority that owns a bank, a hotline and an NGO that
 * review, a platform that matches, and an outside platform nothing is shared with. Each party's
 * keys are real keys, authenticated through the service.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/index.js';
import { KhienService } from '../src/service/khien-service.js';
import type { Actor, Bank, FactsInput, Role } from '../src/service/types.js';
import type { Store } from '../src/store/open-store.js';
import type { HashImage } from '../src/service/image-hashing.js';
import type { PdqSearchOffload } from '../src/service/match-engine.js';

export interface World {
  readonly service: KhienService;
  readonly admin: Actor;
  /** Owner of `bank`: curator + contributor. */
  readonly authority: Actor;
  readonly hotline: Actor;
  readonly ngo: Actor;
  /** A matcher listed on `bank`. */
  readonly platform: Actor;
  /** A matcher on no list. */
  readonly outsider: Actor;
  readonly auditor: Actor;
  readonly bank: Bank;
  readonly orgs: Record<string, string>;
  /** Moves the service's clock (not the machine's) by `ms`. */
  readonly advance: (ms: number) => void;
}

export function testConfig(overrides: Record<string, unknown> = {}) {
  return loadConfig({ env: {}, flags: { matchRecordFlushMs: 0, ...overrides } });
}

export async function makeWorld(
  store: Store,
  opts: {
    hashImage?: HashImage;
    config?: Record<string, unknown>;
    searchOffload?: PdqSearchOffload;
  } = {},
): Promise<World> {
  let offsetMs = 0;
  const service = new KhienService({
    store,
    now: () => new Date(Date.now() + offsetMs),
    config: testConfig(opts.config),
    hashImage: opts.hashImage,
    searchOffload: opts.searchOffload,
  });
  await service.start({ background: false });
  const boot = await service.bootstrap({ orgName: 'Bộ Công an', kind: 'authority' });
  const admin = await service.authenticate(boot.key, 'r-admin');
  const orgs: Record<string, string> = { authority: boot.organisation.id };
  for (const [name, kind] of [
    ['hotline', 'hotline'],
    ['ngo', 'ngo'],
    ['platform', 'platform'],
    ['outsider', 'platform'],
  ] as const) {
    orgs[name] = (await service.createOrganisation(admin, { name, kind })).id;
  }
  const key = async (org: string, roles: Role[]) => {
    const made = await service.createKey(admin, { orgId: orgs[org], roles });
    return service.authenticate(made.key, `r-${org}`);
  };
  const authority = await key('authority', ['curator', 'contributor', 'reviewer']);
  const hotline = await key('hotline', ['reviewer', 'contributor']);
  const ngo = await key('ngo', ['reviewer']);
  const platform = await key('platform', ['matcher']);
  const outsider = await key('outsider', ['matcher']);
  const auditor = await key('authority', ['auditor']);
  const bank = await service.createBank(authority, {
    name: 'national',
    description: 'the national list',
    matchers: [orgs.platform],
    viewers: [orgs.hotline, orgs.ngo],
    contributors: [orgs.hotline],
  });
  const advance = (ms: number) => {
    offsetMs += ms;
  };
  return {
    ...{ service, admin, authority, hotline, ngo, platform, outsider, auditor, bank, orgs },
    advance,
  };
}

/** A random PDQ hex. */
export function randomPdq(): string {
  return randomBytes(32).toString('hex');
}

/** `hex` with its first `bits` bits flipped (distance exactly `bits`). */
export function flipBits(hex: string, bits: number): string {
  const buf = Buffer.from(hex, 'hex');
  for (let i = 0; i < bits; i++) buf[i >> 3] ^= 0x80 >> (i & 7);
  return buf.toString('hex');
}

export const SEXUAL_FACTS: FactsInput = {
  ageBand: '7-10',
  pubertalStage: 'prepubescent',
  shown: ['non_penetrative_sexual_activity'],
  origin: 'real',
};
