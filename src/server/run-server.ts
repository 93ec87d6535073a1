/**
 * Runs `khien serve`: opens the store, builds the service and the HTTP server, listens, says
 * where and (on an empty database) how to bootstrap, then loads the match index in the
 * background while /readyz answers 503. SIGINT and SIGTERM close the server gracefully
 * (in-flight requests finish, buffered match records are written) before the store closes.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import { KhienError } from '../errors/index.js';
import { logger } from '../log/logger.js';
import { SearchLane } from '../index-io/search-lane.js';
import { KhienService } from '../service/khien-service.js';
import { openStore, type Store } from '../store/open-store.js';
import { buildServer } from './build-server.js';
import { serviceImageHasher } from './service-image-hasher.js';

/** A running server: its address and a way to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly service: KhienService;
  /** Resolves once the match index is loaded (rejects if loading failed). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Starts the server and returns once it listens; the index loads after that. */
export async function startServer(
  config: Config,
  print: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Promise<RunningServer> {
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const searchOffload = config.matchSearchThreads > 0 ? new SearchLane() : undefined;
  const hashImage = serviceImageHasher(config);
  const service = new KhienService({ store, config, hashImage, searchOffload });
  const app = await buildServer({ service, config });
  const url = await listen(app, config).catch(async (err: unknown) => {
    await searchOffload?.close();
    await store.close();
    throw err;
  });

  print(`Khiên is listening on ${url} (store: ${store.location})`);
  print(`API description: ${url}/openapi.json · readiness: ${url}/readyz`);
  if (await isEmpty(store)) print(bootstrapHint(config));

  const ready = loadIndex(service);
  const close = async () => {
    await app.close();
    await service.stop();
    await searchOffload?.close();
    await store.close();
  };
  return { url, app, service, ready, close };
}

/** Listens; an address in use or refused is KHIEN_ERR_LISTEN_FAILED saying which and why. */
async function listen(app: FastifyInstance, config: Config): Promise<string> {
  try {
    return await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const why: Record<string, string> = {
      EADDRINUSE: 'the port is in use by another process (--port picks another)',
      EACCES: 'this user may not listen there (ports below 1024 need privileges)',
      EADDRNOTAVAIL: 'this machine has no such address (--host)',
      ENOTFOUND: 'the host name does not resolve (--host)',
    };
    if (!(code in why)) throw err;
    throw new KhienError(
      'KHIEN_ERR_LISTEN_FAILED',
      `cannot listen on ${config.host}:${config.port}: ${why[code]} (${code})`,
      { host: config.host, port: config.port, cause: code },
    );
  }
}

async function loadIndex(service: KhienService): Promise<void> {
  const started = Date.now();
  await service.start();
  const health = service.health();
  logger.info(
    { indexedSignals: health.indexedSignals, durationMs: Date.now() - started },
    'match index loaded; ready',
  );
}

/**
 * True when no organisation exists yet. The service has no use case for this (it needs an
 * actor), so the serve command reads the one table directly.
 */
async function isEmpty(store: Store): Promise<boolean> {
  const row = await store.db.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

function bootstrapHint(config: Config): string {
  const where = [
    config.dataDir !== './data' ? ` --data-dir ${config.dataDir}` : '',
    config.databaseUrl ? ` --database-url '${config.databaseUrl}'` : '',
  ].join('');
  return (
    'The database is empty. Create the first organisation and its admin key with:\n' +
    `  npx khien admin bootstrap --org "Your organisation"${where}`
  );
}
