/**
 * The one pino logger. Everything logs through `logger` or a child of it with fixed keys
 * (requestId, jobId, durationMs, counts). The pure core never logs; it returns results.
 * Logs go to stderr so that commands can print their results on stdout.
 */
import { pino, destination, type Logger } from 'pino';

const level = process.env.KHIEN_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');

export const logger: Logger = pino({ level, base: { app: 'khien' } }, destination(2));

export type { Logger };
