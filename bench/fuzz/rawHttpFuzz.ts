// Hostile input below what an HTTP client library lets through: request heads written byte by byte
// (bad methods, targets and versions, header names and values with forbidden characters, folded
// lines, bare LF, contradictory Content-Length and Transfer-Encoding, unmet Expect, truncated heads
// and bodies) and heads larger than node:http's 16 KB limit. These reach node:http's parser, not
// the handler: they check that what node:http refuses itself is answered with a GraphQL error too
// (answerServerRefusals). Part of bench/fuzz/httpFuzz.ts's cases.
import net from 'node:net';
import fc from 'fast-check';

/** An operation the server knows, by id. */
interface KnownId {
  readonly id: string;
}

/** A response's status (0: none could be read) and body. */
export interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

const method = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('GET', 'POST') },
  // No HEAD: its answer has no body by definition. Every request carries Host (node:http answers an
  // HTTP/1.1 request without one with its own empty 400 unless requireHostHeader is off).
  // No PRI either: node:http closes an HTTP/2 preface without answering, as it should.
  { weight: 1, arbitrary: fc.constantFrom('PUT', 'OPTIONS', 'get', 'G@T', 'GET GET', '', 'CONNECT', 'POST\u0000', 'ÄÖÜ') },
);
const target = (route: string, known: readonly KnownId[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known).map((op) => `${route}?documentId=sha256:${op.id}`) },
    { weight: 1, arbitrary: fc.constantFrom(route, `${route}?query=%7B__typename%7D`, '*', `http://localhost${route}`, `${route}#frag`, '/gra phql', `${route}?\u0001`, '', `/${route}`, `${route}?a=%zz`) },
  );
const version = fc.oneof({ weight: 4, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.9', 'HTTP/1', 'http/1.1', 'HTTP/1.1 x', '') });
const header = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('Content-Type: application/json', 'Accept: application/graphql-response+json', 'Accept: application/json', 'Connection: keep-alive', 'Expect: 100-continue'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'Bad Header: 1',
      'X-Ctl: a\u0001b',
      'X-Del: a\u007fb',
      ' X-Folded: 1',
      'X-Folded: 1\r\n continued',
      'NoColon',
      ': empty-name',
      'Content-Length: abc',
      'Content-Length: -1',
      'Content-Length: 99999999999999999999',
      'Content-Length: 1\r\nContent-Length: 2',
      'Transfer-Encoding: chunked, gzip',
      'Transfer-Encoding: gzip',
      'Transfer-Encoding: chunked\r\nContent-Length: 3',
      'Expect: 200-ok',
      'Upgrade: websocket\r\nConnection: Upgrade',
      'X-Nul: \u0000',
    ),
  },
);
const lineEnd = fc.oneof({ weight: 6, arbitrary: fc.constant('\r\n') }, { weight: 1, arbitrary: fc.constantFrom('\n', '\r') });

/** A body and the Content-Length or chunking that frames it (right, short, long or broken). */
function framedBody(known: readonly KnownId[]): fc.Arbitrary<{ framing: string[]; body: string; short: boolean }> {
  const text = fc.oneof(
    fc.constantFrom(...known).map((op) => JSON.stringify({ documentId: `sha256:${op.id}` })),
    fc.string({ unit: 'binary', maxLength: 60 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')),
  );
  return fc.tuple(text, fc.constantFrom('none', 'exact', 'short', 'long', 'chunked', 'chunked-broken', 'chunked-extension')).map(([body, how]) => {
    switch (how) {
      case 'none':
        return { framing: [], body: '', short: false };
      case 'exact':
        return { framing: [`Content-Length: ${body.length}`], body, short: false };
      case 'short':
        // The rest of the body is read as a second request (a malformed one, mostly).
        return { framing: [`Content-Length: ${Math.floor(body.length / 2)}`], body, short: false };
      case 'long':
        return { framing: [`Content-Length: ${body.length + 10}`], body, short: true };
      case 'chunked':
        return { framing: ['Transfer-Encoding: chunked'], body: `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`, short: false };
      case 'chunked-broken':
        return { framing: ['Transfer-Encoding: chunked'], body: `zz\r\n${body}\r\n`, short: false };
      default:
        return { framing: ['Transfer-Encoding: chunked'], body: `1;${'e'.repeat(20_000)}\r\nx\r\n0\r\n\r\n`, short: false };
    }
  });
}

export interface RawBytes {
  /** The request as latin1 text (each char one byte). */
  readonly bytes: string;
  /**
   * The request is cut short (a truncated head or body, a Content-Length past the bytes sent): the
   * client then ends its side of the connection, so that node:http sees the end of the stream.
   * A complete request must not: node:http aborts a request still being handled when its client
   * half-closes (httpAllowHalfOpen is off), and no answer would come.
   */
  readonly truncated: boolean;
}

export function rawRequest(known: readonly KnownId[], route: string): fc.Arbitrary<RawBytes> {
  return fc
    .tuple(method, target(route, known), version, fc.array(header, { maxLength: 4 }), framedBody(known), lineEnd, fc.boolean(), fc.nat({ max: 100 }))
    .map(([m, t, v, headers, { framing, body, short }, eol, close, cut]) => {
      const lines = [`${m} ${t} ${v}`.trimEnd(), 'Host: localhost', ...headers, ...framing, ...(close ? ['Connection: close'] : [])];
      const whole = `${lines.join(eol)}${eol}${eol}${body}`;
      // node:http (20) reports neither a malformed body nor the client's end of the stream after
      // the head of a request with Upgrade (and no 'upgrade' listener): such a request waits for
      // requestTimeout, then gets 408. So those are never cut short, and wait for the server.
      const upgrade = headers.some((line) => line.startsWith('Upgrade:'));
      // About a tenth of the others end early, anywhere from the request line to the body.
      if (cut >= 1 && cut <= 9 && !upgrade) return { bytes: whole.slice(0, Math.max(2, Math.floor((whole.length * cut) / 10))), truncated: true };
      return { bytes: whole, truncated: short && !upgrade };
    });
}

/** Requests over node:http's 16 KB head limit (and some just under it): a long URL, one huge header, many headers. */
export function oversizedRequest(known: readonly KnownId[], route: string): fc.Arbitrary<{ method: string; path: string; headers: Record<string, string>; body: string | undefined }> {
  const size = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 8_000, max: 40_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 40_000, max: 300_000 }) });
  return fc.tuple(fc.constantFrom(...known), size, fc.constantFrom('url', 'header', 'token', 'headers'), fc.constantFrom('GET', 'POST')).map(([op, n, where, m]) => {
    const id = `sha256:${op.id}`;
    const body = m === 'POST' ? JSON.stringify({ documentId: id }) : undefined;
    const path = where === 'url' ? `${route}?documentId=${id}&operationName=${'A'.repeat(n)}` : m === 'GET' ? `${route}?documentId=${id}` : route;
    const headers: Record<string, string> = { accept: 'application/json', ...(m === 'POST' ? { 'content-type': 'application/json' } : {}) };
    if (where === 'header') headers['x-padding'] = 'a'.repeat(n);
    if (where === 'token') headers['authorization'] = `Bearer ${'t'.repeat(n)}`;
    if (where === 'headers') for (let i = 0; i < Math.ceil(n / 100); i++) headers[`x-h-${i}`] = 'v'.repeat(90);
    return { method: m, path, headers, body };
  });
}

interface ParsedHead {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly bodyStart: number;
}

function parseHead(bytes: Buffer, from: number): ParsedHead | undefined {
  const end = bytes.indexOf('\r\n\r\n', from, 'latin1');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = bytes.toString('latin1', from, end).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, bodyStart: end + 4 };
}

/** The body of a chunked message from `at`, or undefined while it is incomplete. */
function dechunk(bytes: Buffer, at: number): Buffer | undefined {
  const parts: Buffer[] = [];
  let offset = at;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset, 'latin1');
    if (lineEnd < 0) return undefined;
    const size = parseInt(bytes.toString('latin1', offset, lineEnd), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (bytes.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/** The first final response in `bytes` (1xx skipped), or undefined while incomplete (`closed`: no more will come). */
function firstResponse(bytes: Buffer, closed: boolean): RawAnswer | undefined {
  let from = 0;
  for (;;) {
    const head = parseHead(bytes, from);
    if (head === undefined) return closed ? { status: 0, body: bytes.toString('latin1') } : undefined;
    if (head.status >= 100 && head.status < 200) {
      from = head.bodyStart;
      continue;
    }
    let body: Buffer | undefined;
    const length = head.headers.get('content-length');
    if (length !== undefined) body = bytes.length >= head.bodyStart + Number(length) ? bytes.subarray(head.bodyStart, head.bodyStart + Number(length)) : undefined;
    else if (head.headers.get('transfer-encoding')?.toLowerCase() === 'chunked') body = dechunk(bytes, head.bodyStart);
    else if (closed) body = bytes.subarray(head.bodyStart);
    if (body === undefined) return closed ? { status: head.status, body: `(incomplete) ${bytes.subarray(head.bodyStart).toString('utf8')}` } : undefined;
    return { status: head.status, body: body.toString('utf8') };
  }
}

/** Writes the request on a new connection (and ends its side when it is truncated), and reads the first response. */
export function sendRaw(base: URL, request: RawBytes, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let done = false;
    const socket = net.connect(Number(base.port), base.hostname, () => {
      if (request.truncated) socket.end(request.bytes, 'latin1');
      else socket.write(request.bytes, 'latin1');
    });
    const finish = (closed: boolean): void => {
      if (done) return;
      const answer = firstResponse(Buffer.concat(chunks), closed);
      if (answer === undefined) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (answer.status === 0 && answer.body === '') reject(new Error('the connection closed without an answer'));
      else resolve(answer);
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      finish(false);
    });
    // The server may close while we write (an oversized head): what it answered still counts.
    socket.on('error', () => {});
    socket.on('close', () => finish(true));
  });
}
