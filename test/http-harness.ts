/**
 * Helpers of the HTTP tests: build the server over a real service on a fresh SQLite directory
 * (or a fresh PostgreSQL schema when asked), send JSON or multipart requests through
 * fastify.inject, and list the routes fastify actually registered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../src/config/index.js';
import { buildServer } from '../src/server/build-server.js';
import { serviceImageHasher } from '../src/server/service-image-hasher.js';
import { KhienService } from '../src/service/khien-service.js';
import { openStore, type Store } from '../src/store/open-store.js';
import type { HashImage } from '../src/service/image-hashing.js';

export const FIXTURES = join('..', 'shared', 'fixtures');
export const BRIDGE_MODS = join(FIXTURES, 'images', 'pdq-data', 'bridge-mods');

/** A server over a real service and store, for one test file. */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly service: KhienService;
  readonly store: Store;
  readonly config: Config;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Settings over the defaults (env is ignored: tests are hermetic). */
  readonly settings?: Record<string, unknown>;
  /** Run on PostgreSQL in a fresh schema instead of SQLite. */
  readonly databaseUrl?: string;
  /** Load the match index before returning (default true). */
  readonly start?: boolean;
  readonly hashImage?: HashImage;
}

/** Builds a server on a fresh store; `close()` removes every trace. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'khien-http-'));
  const config = loadConfig({ env: {}, flags: { dataDir, ...options.settings } });
  const pgSchema = options.databaseUrl ? `khien_http_${randomBytes(6).toString('hex')}` : '';
  const store = await openStore({
    dataDir,
    databaseUrl: options.databaseUrl,
    ...(pgSchema ? { pgSchema } : {}),
  });
  const hashImage = options.hashImage ?? serviceImageHasher(config);
  const service = new KhienService({ store, config, hashImage });
  const app = await buildServer({ service, config });
  if (options.start !== false) await service.start();

  const close = async () => {
    await app.close();
    await service.stop();
    if (pgSchema) await store.db.schema.dropSchema(pgSchema).ifExists().cascade().execute();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { app, service, store, config, close };
}

export interface SendOptions {
  /** The raw API key for `Authorization: Bearer`. */
  readonly key?: string;
  readonly json?: unknown;
  /** A multipart body: the file for `media` and text fields. */
  readonly upload?: { media?: Buffer; filename?: string; fields?: Record<string, string> };
  readonly headers?: Record<string, string>;
}

/** Sends one request through inject. */
export async function send(
  app: FastifyInstance,
  method: string,
  url: string,
  options: SendOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let payload: string | Buffer | undefined;
  if (options.json !== undefined) {
    payload = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  if (options.upload) {
    const form = await multipart(options.upload);
    payload = form.body;
    headers['content-type'] = form.contentType;
  }
  return app.inject({ method: method as 'GET', url, headers, payload });
}

/** Encodes a multipart/form-data body with the platform's own FormData. */
export async function multipart(upload: NonNullable<SendOptions['upload']>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields ?? {})) form.append(name, value);
  if (upload.media) {
    form.append('media', new Blob([upload.media]), upload.filename ?? 'upload.jpg');
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    body: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type')!,
  };
}

/** Every `METHOD path` fastify registered (HEAD left out), from its route tree printout. */
export function registeredRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at - 1) / 4;
    const match = /^(\S+) \(([^)]+)\)$/.exec(line.slice(at + 3).trim());
    const segment = match ? match[1] : line.slice(at + 3).trim();
    stack[depth] = (depth > 0 ? stack[depth - 1] : '') + segment;
    stack.length = depth + 1;
    if (!match) continue;
    for (const method of match[2].split(', ')) {
      if (method !== 'HEAD') out.push(`${method} ${stack[depth]}`);
    }
  }
  return out.sort();
}

/** The error body every failure answers with. */
export function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}
