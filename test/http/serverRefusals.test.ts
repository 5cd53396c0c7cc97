// What node:http refuses before any listener runs (headers over its 16 KB limit, a malformed request
// line, headers that never arrive, an unmet Expect, CONNECT), and HTTP/1.1 without Host in
// fraise-compile serve: each gets a GraphQL error body instead of node:http's empty one. The
// expected bytes are written out here in full: status line, headers and body.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../compiler/serve.js';
import { answerServerRefusals, createHandler, createRuntime } from '../../runtime/index.js';
import { compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, post, type Listening } from './support.js';

const ALICE = '11111111-1111-4111-8111-000000000001';

/** The whole response node:http's refusals now get (no Date header: written straight to the socket). */
function refusal(statusLine: string, code: string, message: string): string {
  const body = `{"errors":[{"message":"${message}","extensions":{"code":"${code}"}}]}`;
  return `HTTP/1.1 ${statusLine}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
}

const TOO_LARGE = refusal(
  '431 Request Header Fields Too Large',
  'REQUEST_HEADER_FIELDS_TOO_LARGE',
  'The request line and headers are larger than the server accepts (16384 bytes): send the GraphQL request in a POST body, or a persisted document id instead of the document',
);

/** Writes `bytes` on a new connection and collects everything until the server closes it. */
function exchange(url: string, bytes: string, timeoutMs = 10_000): Promise<{ text: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes, 'latin1'));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; received ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while the client still writes a huge head: EPIPE/ECONNRESET on our side.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), ms: performance.now() - started });
    });
  });
}

/** GET through node:http's client with one header `size` bytes long. */
function getWithHeader(url: string, size: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { 'x-padding': 'a'.repeat(size) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
  });
}

let db: TestDatabase;
let fixture: GeneratedFixture;
let embedded: Listening;
let served: RunningServer;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'http-server-refusals');
  embedded = await listen(createHandler({ pool: db.pool, operations: fixture.operations }));
  answerServerRefusals(embedded.server);
  served = await startServer({ dir: fixture.outDir, databaseUrl: db.url, port: 0, log: () => {} });
});
afterAll(async () => {
  await embedded?.close();
  await served?.close();
  await db?.drop();
});

describe.each([
  ['createHandler in an application server with answerServerRefusals', () => embedded.url],
  ['fraise-compile serve', () => served.url],
])('%s', (_name, urlOf) => {
  it('a 20 KB header: 431 with a JSON error, then the connection closes', async () => {
    const head = `GET /graphql HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`;
    expect((await exchange(urlOf(), head)).text).toBe(TOO_LARGE);
  });

  it('a 200 KB header, through node:http client: the same 431, parsed by a client', async () => {
    const reply = await getWithHeader(urlOf(), 200_000);
    expect(reply.status).toBe(431);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.headers['connection']).toBe('close');
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body)));
    expect(TOO_LARGE.endsWith(`\r\n\r\n${reply.body}`)).toBe(true);
  });

  it('a GET whose URL passes 16 KB (the fuzzing found these): 431 with the JSON error', async () => {
    const reply = await getWithHeader(`${urlOf()}?query=${'x'.repeat(17_000)}`, 0);
    expect(reply.status).toBe(431);
    expect(JSON.parse(reply.body)).toEqual({ errors: [{ message: expect.stringMatching(/^The request line and headers are larger/), extensions: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' } }] });
  });

  it('a malformed request line or header: 400 naming the rule broken', async () => {
    expect((await exchange(urlOf(), 'GET /graphql y HTTP/1.1\r\nHost: localhost\r\n\r\n')).text).toBe(
      refusal('400 Bad Request', 'BAD_REQUEST', 'Malformed HTTP request: Expected HTTP/, RTSP/ or ICE/'),
    );
    expect((await exchange(urlOf(), 'G@T /graphql HTTP/1.1\r\nHost: localhost\r\n\r\n')).text).toBe(
      refusal('400 Bad Request', 'BAD_REQUEST', 'Malformed HTTP request: Invalid method encountered'),
    );
    expect((await exchange(urlOf(), 'GET /graphql HTTP/1.1\r\nHost: localhost\r\nBad Header: 1\r\n\r\n')).text).toBe(
      refusal('400 Bad Request', 'BAD_REQUEST', 'Malformed HTTP request: Invalid header token'),
    );
    expect((await exchange(urlOf(), 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n')).text).toBe(
      refusal('400 Bad Request', 'BAD_REQUEST', 'Malformed HTTP request: Duplicate Content-Length'),
    );
  });

  it('an Expect other than 100-continue: 417 with a JSON error; CONNECT: 405', async () => {
    const expectation = await exchange(urlOf(), 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nExpect: 200-ok\r\nContent-Length: 0\r\n\r\n');
    const body = '{"errors":[{"message":"Unsupported Expect header: only \\"100-continue\\" is understood","extensions":{"code":"BAD_REQUEST"}}]}';
    expect(expectation.text).toMatch(/^HTTP\/1\.1 417 Expectation Failed\r\n/);
    expect(expectation.text).toContain(`\r\ncontent-length: ${body.length}\r\n`);
    expect(expectation.text).toContain('\r\nconnection: close\r\n');
    expect(expectation.text.endsWith(`\r\n\r\n${body}`)).toBe(true);
    expect((await exchange(urlOf(), 'CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n')).text).toBe(
      refusal('405 Method Not Allowed', 'METHOD_NOT_ALLOWED', 'CONNECT is not supported: GraphQL is served over GET and POST'),
    );
  });

  it('requests the listener serves are answered as before', async () => {
    const userById = fixture.operationsByName['UserById']!;
    const reply = await post(urlOf(), { documentId: userById.id, variables: { id: ALICE } });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual(await createRuntime({ pool: db.pool }).execute(userById, { id: ALICE }));
  });
});

describe('node:http timeouts and fraise-compile serve', () => {
  it('headers that never complete: 408 with a JSON error once headersTimeout passes', async () => {
    // node:http checks its timeouts every connectionsCheckingInterval.
    const server = answerServerRefusals(http.createServer({ headersTimeout: 500, requestTimeout: 1000, connectionsCheckingInterval: 50 }, () => {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const reply = await exchange(`http://127.0.0.1:${port}/graphql`, 'GET /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1');
      expect(reply.text).toBe(
        refusal('408 Request Timeout', 'REQUEST_TIMEOUT', 'The request did not arrive in time (the server waits a limited time for the headers and the body)'),
      );
      expect(reply.ms).toBeGreaterThanOrEqual(450);
      expect(reply.ms).toBeLessThan(5000);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('serve: an HTTP/1.1 request without Host gets 400 with a JSON error (node:http would send an empty one)', async () => {
    const reply = await exchange(served.url, 'GET /graphql HTTP/1.1\r\n\r\n');
    const body = '{"errors":[{"message":"An HTTP/1.1 request must carry a Host header","extensions":{"code":"BAD_REQUEST"}}]}';
    expect(reply.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply.text).toContain('\r\ncontent-type: application/json; charset=utf-8\r\n');
    expect(reply.text).toContain(`\r\ncontent-length: ${body.length}\r\n`);
    expect(reply.text.endsWith(`\r\n\r\n${body}`)).toBe(true);
    // HTTP/1.0 needs no Host: the request reaches the handler, which finds no document in it.
    const old = await exchange(served.url, 'GET /graphql HTTP/1.0\r\n\r\n');
    expect(old.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(old.text.endsWith('\r\n\r\n{"errors":[{"message":"No document: send a persisted document id (documentId or extensions.persistedQuery) or a query","extensions":{"code":"BAD_REQUEST"}}]}')).toBe(true);
  });
});
