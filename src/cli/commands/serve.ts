/**
 * `khien serve`: the HTTP API over the hash database. Listens on --host/--port (loopback and
 * 8080 by default) with the store under --data-dir (or --database-url), until SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { configFromOptions, withSettings } from '../config-options.js';
import type { SettingName } from '../../config/index.js';
import { logger } from '../../log/logger.js';
import { startServer } from '../../server/run-server.js';
import type { RegisterCommand } from './index.js';

const SERVE_SETTINGS: readonly SettingName[] = [
  'dataDir',
  'databaseUrl',
  'host',
  'port',
  'rateLimitPerMinute',
  'maxBatchSize',
  'maxUploadBytes',
  'maxJsonBodyBytes',
  'requestTimeoutMs',
  'headersTimeoutMs',
  'keepAliveTimeoutMs',
  'maxImageBytes',
  'maxImagePixels',
  'reviewsRequired',
  'matchRecordFlushMs',
  'matchSearchThreads',
];

export const registerServe: RegisterCommand = (program: Command, setStatus) => {
  const cmd = program
    .command('serve')
    .description('Serve the HTTP API (/v1, /openapi.json, /healthz, /readyz, /metrics)');
  withSettings(cmd, SERVE_SETTINGS).action(async (opts: Record<string, unknown>) => {
    const server = await startServer(configFromOptions(opts));
    const stopped = waitForSignal();
    const failed = server.ready.then(
      () => new Promise<never>(() => {}),
      (err: unknown) => err,
    );

    const outcome = await Promise.race([stopped, failed]);
    if (typeof outcome !== 'string') {
      logger.error({ err: outcome }, 'the match index could not be loaded; stopping');
      setStatus(1);
    } else {
      logger.info({ signal: outcome }, 'stopping: finishing requests in flight');
    }
    await server.close();
  });
};

/** Resolves with the name of the first SIGINT or SIGTERM. */
function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
