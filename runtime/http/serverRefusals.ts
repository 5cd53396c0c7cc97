// Requests node:http refuses itself, before any request listener runs: a request line and headers
// over its maxHeaderSize (16 KB by default), a malformed request line or header, headers or a body
// that do not arrive within headersTimeout/requestTimeout, an `Expect` it cannot meet, a CONNECT.
// node:http answers them with a bare status and an EMPTY body (or none at all), which a GraphQL
// client cannot read; these listeners answer with a GraphQL-over-HTTP error body instead. They run
// once per refused connection or request, never on the path of a request the handler serves.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestErrorCode } from './httpErrors.js';

interface Refusal {
  readonly status: number;
  readonly code: RequestErrorCode;
  readonly message: string;
}

/** The bytes of a whole response, for a socket no ServerResponse writes to. */
function responseBytes(refusal: Refusal): string {
  const body = JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
  return (
    `HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n' +
    body
  );
}

function refusalOf(error: NodeJS.ErrnoException & { reason?: unknown }, maxHeaderSize: number): Refusal {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
        message: `The request line and headers are larger than the server accepts (${maxHeaderSize} bytes): send the GraphQL request in a POST body, or a persisted document id instead of the document`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The chunk extensions of the request body are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time (the server waits a limited time for the headers and the body)' };
    default: {
      // llhttp's reason is a fixed description of the rule broken ("Invalid method encountered"),
      // never the bytes received.
      const detail = typeof error.reason === 'string' && error.code?.startsWith('HPE_') === true ? `: ${error.reason}` : '';
      return { status: 400, code: 'BAD_REQUEST', message: `Malformed HTTP request${detail}` };
    }
  }
}

/** Sockets already answered: llhttp reports the same parse error again for every later chunk. */
const answered = new WeakSet<Duplex>();

/**
 * A node:http server's 'clientError' listener (`server.on('clientError', handleClientError)`;
 * answerServerRefusals registers it): 431 for a request line and headers over maxHeaderSize, 400
 * for a malformed request, 408 when the headers or body do not arrive within
 * headersTimeout/requestTimeout, 413 for oversized chunk extensions, each with
 * `{"errors":[{"message","extensions":{"code"}}]}` as application/json, `Content-Length` and
 * `Connection: close`; then the connection is closed, as node:http does. A connection that was
 * reset, or whose response already began, is only closed.
 */
export function handleClientError(this: unknown, error: Error, socket: Duplex): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  // What node:http checks before its own answer: a response already under way must not be
  // followed by a second status line (a pipelined request behind it broke the parser).
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && (error as NodeJS.ErrnoException).code !== 'ECONNRESET' && inFlight?.headersSent !== true) {
    const server = this instanceof http.Server ? (this as http.Server & { maxHeaderSize?: number }) : undefined;
    socket.write(responseBytes(refusalOf(error, server?.maxHeaderSize ?? http.maxHeaderSize)));
  }
  socket.destroy();
}

/** 'checkExpectation': an `Expect` other than 100-continue (node:http: an empty 417). */
function unmetExpectation(_req: http.IncomingMessage, res: http.ServerResponse): void {
  const body = JSON.stringify({ errors: [{ message: 'Unsupported Expect header: only "100-continue" is understood', extensions: { code: 'BAD_REQUEST' } }] });
  res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

/** 'connect': a CONNECT request (node:http: the connection is closed without an answer). */
function connectRefused(_req: http.IncomingMessage, socket: Duplex): void {
  if (socket.writable) {
    socket.write(responseBytes({ status: 405, code: 'METHOD_NOT_ALLOWED', message: 'CONNECT is not supported: GraphQL is served over GET and POST' }));
  }
  socket.destroy();
}

/**
 * Makes node:http's own refusals GraphQL errors: registers handleClientError ('clientError'), a
 * JSON 417 for an unmet `Expect` ('checkExpectation') and a JSON 405 for CONNECT ('connect').
 * Nothing changes for the requests the server's listener handles. Returns `server`.
 */
export function answerServerRefusals<S extends http.Server>(server: S): S {
  server.on('clientError', handleClientError);
  server.on('checkExpectation', unmetExpectation);
  server.on('connect', connectRefused);
  return server;
}
