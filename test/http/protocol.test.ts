// GraphQL over HTTP: media types, status codes, methods, limits and bad input. None of the refused
// requests reaches SQL (the pool's connect is counted).
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createRuntime, type CompiledOperation, type OperationEvent } from '../../runtime/index.js';
import { compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { until } from './load.js';
import { constantOperation, errorsOf, get, GRAPHQL_RESPONSE, listen, post, request, type Listening } from './support.js';

const ALICE = '11111111-1111-4111-8111-000000000001';

const touch = constantOperation('mutation', 'Touch', 'mutation Touch { touch }', { kind: 'data' }, {
  name: 'fraise_test_touch',
  text: `SELECT json_build_object('touch', true)::text`,
});
const divide = constantOperation('query', 'Divide', 'query Divide { ratio }', { kind: 'data' }, {
  name: 'fraise_test_divide',
  text: `SELECT json_build_object('ratio', 1 / 0)::text`,
});

let db: TestDatabase;
let fixture: GeneratedFixture;
let userById: CompiledOperation;
let server: Listening;
let debugServer: Listening;
let connects = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'http-protocol');
  userById = fixture.operationsByName['UserById']!;
  db.pool.on('acquire', () => void connects++);
  const operations = [...Object.values(fixture.operations), touch, divide];
  server = await listen(createHandler({ pool: db.pool, operations, maxBodyBytes: 2048, maxVariables: 3 }));
  debugServer = await listen(createHandler({ pool: db.pool, operations, debug: true }));
});
afterAll(async () => {
  await server?.close();
  await debugServer?.close();
  await db?.drop();
});

/** Runs `send` and checks that it did not check out a database connection. */
async function withoutDatabase<T>(send: () => Promise<T>): Promise<T> {
  const before = connects;
  const result = await send();
  expect(connects).toBe(before);
  return result;
}

describe('media types', () => {
  it('answers in the media type the client prefers; application/json without Accept', async () => {
    const body = { documentId: userById.id, variables: { id: ALICE } };
    const want = await createRuntime({ pool: db.pool }).execute(userById, { id: ALICE });
    const cases: [string | undefined, string][] = [
      [GRAPHQL_RESPONSE, GRAPHQL_RESPONSE],
      ['application/json', 'application/json'],
      [undefined, 'application/json'],
      ['*/*', 'application/json'],
      [`application/json, ${GRAPHQL_RESPONSE}`, GRAPHQL_RESPONSE],
      [`${GRAPHQL_RESPONSE};q=0.5, application/json`, 'application/json'],
      ['application/*', 'application/json'],
    ];
    for (const [accept, type] of cases) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (accept !== undefined) headers['accept'] = accept;
      const reply = await request(server.url, { method: 'POST', headers, body: JSON.stringify(body) });
      expect([accept, reply.status, reply.headers.get('content-type')]).toEqual([accept, 200, `${type}; charset=utf-8`]);
      expect(reply.json).toEqual(want);
    }
  });

  it('answers 406 when neither media type is acceptable', async () => {
    const reply = await withoutDatabase(() => post(server.url, { documentId: userById.id }, 'text/html'));
    expect(reply.status).toBe(406);
    expect(reply.json).toEqual(errorsOf('NOT_ACCEPTABLE', `Accept ${GRAPHQL_RESPONSE} or application/json`));
  });

  it('answers 415 to a POST body that is not application/json', async () => {
    for (const type of ['text/plain', 'application/json; charset=latin1', 'application/graphql']) {
      const reply = await withoutDatabase(() =>
        request(server.url, { method: 'POST', headers: { 'content-type': type }, body: '{}' }),
      );
      expect([type, reply.status]).toEqual([type, 415]);
      expect(reply.json).toEqual(errorsOf('UNSUPPORTED_MEDIA_TYPE', 'POST requests must be application/json (UTF-8)'));
    }
  });
});

describe('methods', () => {
  it('answers 405 with Allow to other methods, and to mutations over GET', async () => {
    const put = await withoutDatabase(() => request(server.url, { method: 'PUT', body: '{}' }));
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect(put.json).toEqual(errorsOf('METHOD_NOT_ALLOWED', 'Method PUT is not allowed'));
    const mutation = await withoutDatabase(() => get(server.url, { documentId: touch.id }));
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get('allow')).toBe('POST');
    expect(mutation.json).toEqual(errorsOf('METHOD_NOT_ALLOWED', 'Mutations are only accepted over POST'));
    expect((await post(server.url, { documentId: touch.id })).json).toEqual({ data: { touch: true } });
  });
});

describe('bad input never reaches SQL', () => {
  it('answers 413 to a body over the limit', async () => {
    const reply = await withoutDatabase(() => post(server.url, { documentId: userById.id, variables: { id: 'x'.repeat(4096) } }));
    expect(reply.status).toBe(413);
    expect(reply.json).toEqual(errorsOf('PAYLOAD_TOO_LARGE', 'The request body is larger than 2048 bytes'));
  });

  it('answers 413 to a chunked body over the limit without reading it all', async () => {
    const chunks = (async function* () {
      for (let i = 0; i < 100; i++) yield new TextEncoder().encode(' '.repeat(1024));
    })();
    const reply = await withoutDatabase(() =>
      request(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE },
        body: ReadableStream.from(chunks),
        duplex: 'half',
      } as RequestInit),
    );
    expect(reply.status).toBe(413);
  });

  it('ends a request whose client leaves halfway through its body: reported once, nothing left in flight', async () => {
    const events: OperationEvent[] = [];
    const handler = createHandler({ pool: db.pool, operations: Object.values(fixture.operations), onOperation: (event) => events.push(event) });
    const cutServer = await listen(handler);
    try {
      const { port } = new URL(cutServer.url);
      await withoutDatabase(async () => {
        const socket = net.connect(Number(port), '127.0.0.1');
        await once(socket, 'connect');
        socket.write(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"documentId":`);
        await until(() => handler.inFlight === 1);
        socket.destroy();
        await until(() => events.length === 1 && handler.inFlight === 0);
      });
      expect(events.map((event) => [event.operationName, event.errors])).toEqual([
        [undefined, [{ message: 'The request body was cut off', extensions: { code: 'BAD_REQUEST' } }]],
      ]);
    } finally {
      await cutServer.close();
    }
  });

  it('answers 400 to malformed JSON and to parameters of the wrong shape, in both media types', async () => {
    const cases: [string, string][] = [
      ['{"documentId": ', 'The request body is not valid JSON'],
      ['[]', 'Batched requests are not supported'],
      ['"text"', 'The request body must be a JSON object'],
      [JSON.stringify({ documentId: userById.id, variables: [1] }), 'The "variables" parameter must be a JSON object'],
      [JSON.stringify({ documentId: userById.id, variables: 'id' }), 'The "variables" parameter must be a JSON object'],
      [JSON.stringify({ documentId: 7 }), 'The "documentId" parameter must be a string'],
      [JSON.stringify({ documentId: userById.id, extensions: 1 }), 'The "extensions" parameter must be a JSON object'],
      [JSON.stringify({ operationName: 'UserById' }), 'No document: send a persisted document id (documentId or extensions.persistedQuery) or a query'],
    ];
    for (const accept of [GRAPHQL_RESPONSE, 'application/json']) {
      for (const [body, message] of cases) {
        const reply = await withoutDatabase(() => post(server.url, body, accept));
        expect([body, reply.status, reply.json]).toEqual([body, 400, errorsOf('BAD_REQUEST', message)]);
      }
    }
    const badGet = await withoutDatabase(() => request(`${server.url}?documentId=${userById.id}&variables=%7B`));
    expect([badGet.status, badGet.json]).toEqual([400, errorsOf('BAD_REQUEST', 'The "variables" parameter is not valid JSON')]);
  });

  it('refuses too many variables', async () => {
    const reply = await withoutDatabase(() => post(server.url, { documentId: userById.id, variables: { id: ALICE, a: 1, b: 2, c: 3 } }));
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorsOf('TOO_MANY_VARIABLES', 'Too many variables: 4, at most 3'));
  });

  it('names the variable and its expected type: 400 in graphql-response+json, 200 in application/json', async () => {
    const error = errorsOf('BAD_USER_INPUT', 'Variable "$id" got invalid value true; expected type "ID!".');
    const graphql = await withoutDatabase(() => post(server.url, { documentId: userById.id, variables: { id: true } }));
    expect([graphql.status, graphql.json]).toEqual([400, error]);
    const json = await withoutDatabase(() => post(server.url, { documentId: userById.id, variables: { id: true } }, 'application/json'));
    expect([json.status, json.json]).toEqual([200, error]);
    const missing = await withoutDatabase(() => get(server.url, { documentId: userById.id }));
    expect(missing.json).toEqual(errorsOf('BAD_USER_INPUT', 'Variable "$id" of required type "ID!" was not provided.'));
  });
});

describe('database errors', () => {
  it('become a GraphQL error with a stable code and no SQL text, unless debugging', async () => {
    const reply = await post(server.url, { documentId: divide.id });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('{"data":null,"errors":[{"message":"Database error","extensions":{"code":"DATABASE_ERROR","sqlState":"22012"}}]}');
    const debug = await post(debugServer.url, { documentId: divide.id });
    expect(debug.json).toEqual({
      data: null,
      errors: [{ message: 'Database error', extensions: { code: 'DATABASE_ERROR', sqlState: '22012', debugMessage: 'division by zero' } }],
    });
  });
});
