/**
 * Answers for requests Node's HTTP parser refuses before fastify sees them: a request line or
 * headers over the size limit, a request that is not HTTP/1.1 (garbage, `Content-Length: abc`,
 * a bad chunk) and a request not received within the time limits. Fastify's default answer has
 * its own body shape; this one has ours, written raw on the socket since there is no reply
 * object, and always closes the connection: after a parse error the rest of the byte stream
 * cannot be trusted to hold request boundaries. Answers to requests pipelined before the bad
 * bytes are written first; a refused request Node already answered gets no second answer.
 */
import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError } from 'fastify';
import { KhienError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { connectionOptions, type ConnectionConfig } from './connection-limits.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/**
 * After answering, the socket is kept this long to read and drop what the client is still
 * sending (the rest of a 100 KB URL, say): closing with unread input makes the kernel reset
 * the connection, and a reset can discard the answer before the client reads it.
 */
const LINGER_MS = 1000;

/** Fastify's `clientErrorHandler` option, for a server with these limits. */
export function clientErrorHandler(
  config: ConnectionConfig,
  log: Logger,
): (err: ConnectionError, socket: Socket) => void {
  const answered = new WeakSet<Socket>();
  return (err, socket) => {
    // The parser reports every later chunk of a refused stream again; it was answered once.
    if (answered.has(socket)) return;
    const error = clientError(err, config);
    if (!error || !canAnswer(socket)) {
      socket.destroy();
      return;
    }

    answered.add(socket);
    const requestId = randomUUID();
    log.info(
      { requestId, status: error.status, code: error.code, parserError: err.code },
      'client error',
    );
    let sent = false;
    const answer = () => {
      if (sent || socket.destroyed || !socket.writable) return;
      sent = true;
      socket.end(rawResponse(error, requestId));
      const linger = setTimeout(() => socket.destroy(), LINGER_MS).unref();
      socket.once('close', () => clearTimeout(linger));
    };
    // Node keeps the response being written on the socket as `_httpMessage` (undocumented).
    const current = () => (socket as { _httpMessage?: OutgoingResponse | null })._httpMessage;
    // Whole requests pipelined before the bad bytes are still being answered: their answers
    // go first, in order, or the client would read our error as the answer to one of them.
    // If the refused request has an answer of its own by then (a 401 given before its body
    // was read), that one is its answer: the connection closes after it, with nothing of ours.
    let last: OutgoingResponse | null = null;
    const next = () => {
      if (sent) return;
      const res = current();
      if (res && res.req?.complete === true && res.writableFinished !== true) {
        if (res !== last) res.once('finish', next).once('close', next); // else: waiting on it
        last = res;
        return;
      }
      if (res && res.req?.complete !== true && res.headersSent === true) {
        sent = true;
        if (res.writableFinished === true) socket.end();
        else res.once('finish', () => socket.end()).once('close', () => socket.destroy());
        return;
      }
      answer();
    };
    next();
  };
}

interface OutgoingResponse {
  readonly req?: { readonly complete?: boolean };
  readonly headersSent?: boolean;
  readonly writableFinished?: boolean;
  once(event: 'finish' | 'close', listener: () => void): OutgoingResponse;
}

/**
 * The error to answer `err` with; undefined for a failure of the connection itself
 * (ECONNRESET, EPIPE, …), where nobody is left to read an answer.
 */
export function clientError(
  err: ConnectionError,
  config: ConnectionConfig,
): KhienError | undefined {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const { requestTimeout, headersTimeout } = connectionOptions(config).http;
    return new KhienError(
      'KHIEN_ERR_REQUEST_TIMEOUT',
      `the request was not received in time: expected the headers within ${headersTimeout} ms ` +
        `and the whole request within ${requestTimeout} ms`,
      { headersTimeoutMs: headersTimeout, requestTimeoutMs: requestTimeout },
    );
  }
  if (!err.code?.startsWith('HPE_')) return undefined;

  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return new KhienError(
      'KHIEN_ERR_HEADERS_TOO_LARGE',
      `expected the request line and headers in at most ${maxHeaderSize} bytes, got more`,
      { maxHeaderBytes: maxHeaderSize },
    );
  }
  if (err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') {
    return new KhienError(
      'KHIEN_ERR_PAYLOAD_TOO_LARGE',
      'the extensions of a chunk of the body exceed the server limit',
      { parserError: err.code },
    );
  }
  // llhttp's reason names what it found ("Invalid character in Content-Length"); its message
  // only says "Parse Error: " before it.
  const reason = (err as { reason?: unknown }).reason;
  return new KhienError(
    'KHIEN_ERR_MALFORMED_REQUEST',
    `the request is not valid HTTP/1.1: ${typeof reason === 'string' ? reason : err.message}`,
    { parserError: err.code },
  );
}

/**
 * False when there is no one to write to: the socket is gone or closing. (A response to an
 * earlier request still being written is waited for, never interleaved with.)
 */
function canAnswer(socket: Socket): boolean {
  return !socket.destroyed && socket.writable;
}

/** A whole HTTP/1.1 response carrying `error` in our body shape, closing the connection. */
function rawResponse(error: KhienError, requestId: string): string {
  const body = JSON.stringify(error.toJSON());
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n` +
    'Connection: close\r\n' +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
    '\r\n' +
    body
  );
}
