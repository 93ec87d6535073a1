/**
 * Opening the store and the service for a CLI command, and the actor the command acts as: the
 * key given by --api-key / KHIEN_API_KEY, authenticated like any HTTP request.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import { KhienError } from '../errors/index.js';
import { openStore, type Store } from '../store/open-store.js';
import { KhienService } from './khien-service.js';
import type { Actor } from './types.js';

export interface OpenedService {
  readonly service: KhienService;
  readonly store: Store;
  close(): Promise<void>;
}

export interface OpenServiceOptions {
  /**
   * Create the store when there is none (default true). Commands that read or act on an existing
   * store pass false: on a mistyped --data-dir they are KHIEN_ERR_NOT_FOUND naming the path,
   * instead of reporting on a fresh empty database they have just made there.
   */
  readonly create?: boolean;
}

/** The store named by the config and a service over it (match engine off: CLI use). */
export async function openService(
  config: Config,
  options: OpenServiceOptions = {},
): Promise<OpenedService> {
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    create: options.create,
  });
  const service = new KhienService({ store, config, matchEngine: false });
  return {
    service,
    store,
    async close() {
      await service.stop();
      await store.close();
    },
  };
}

/** The actor of `config.apiKey`, or a KHIEN_ERR_UNAUTHENTICATED saying how to give one. */
export async function cliActor(service: KhienService, config: Config): Promise<Actor> {
  if (config.apiKey === '') {
    throw new KhienError(
      'KHIEN_ERR_UNAUTHENTICATED',
      'this command acts as an API key: pass --api-key khien_… or set KHIEN_API_KEY',
    );
  }
  return service.authenticate(config.apiKey, `cli-${randomUUID()}`);
}
