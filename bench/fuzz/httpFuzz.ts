// Hostile HTTP input, generated with fast-check: methods, headers, query strings, bodies (JSON and
// not) and variables for the operations a server knows, plus the check every answer must pass:
// no 5xx, a status the GraphQL-over-HTTP specification allows, valid JSON, no PostgreSQL text or
// stack trace. Shared by test/http/fuzz.test.ts (10,000 cases) and bench/fuzz.ts (100,000).
import http from 'node:http';
import fc from 'fast-check';
import { oversizedRequest, rawRequest, sendRaw, type RawBytes } from './rawHttpFuzz.js';

export interface FuzzRequest {
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** When set, the whole request as bytes, written on a socket as is (rawHttpFuzz.ts). */
  readonly raw?: RawBytes;
}

export interface KnownOperation {
  readonly id: string;
  readonly name: string;
  /** The names of its variables (from its body). */
  readonly variables: readonly string[];
}

/**
 * Statuses a request may get (no 5xx: hostile input is the client's error): the handler's, and
 * node:http's own refusals answered by answerServerRefusals (408 request not received within
 * requestTimeout, 417 unmet Expect, 431 head over 16 KB).
 */
export const ALLOWED_STATUSES = new Set([200, 400, 404, 405, 406, 408, 413, 415, 417, 431]);

/**
 * The fuzzed server's node:http timeouts: a request that never completes (see rawHttpFuzz.ts)
 * gets its 408 within about 5.5 s, before the client's 10 s patience runs out.
 */
export const FUZZ_SERVER_OPTIONS = { requestTimeout: 5000, headersTimeout: 5000, connectionsCheckingInterval: 500 } as const;

/** What must never reach a client: PostgreSQL's words, SQL, stack traces, file paths. */
const LEAKS: readonly RegExp[] = [
  /\bat [^\n]*\((?:file:|node:|\/)[^)]*:\d+:\d+\)/, // a stack frame
  /\n\s+at /,
  /node_modules|\.ts:\d+|\.js:\d+/,
  /\bSELECT\b|\bjson_build_object\b|\bFROM\s+"?v_/i,
  /syntax error|invalid input syntax|violates|does not exist|ERROR:|DatabaseError|pg_catalog/i,
];

export function operationsOf(operations: Readonly<Record<string, { readonly id: string; readonly name: string; readonly body: string }>>): KnownOperation[] {
  return Object.values(operations).map((op) => ({
    id: op.id,
    name: op.name,
    variables: [...new Set([...op.body.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((m) => m[1]!))],
  }));
}

const adversarialString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "'; DROP TABLE tb_post; --",
    '\u0000',
    'a\u0000b',
    '\uD800',
    '1e309',
    '-0',
    'NaN',
    'Infinity',
    '00000000-0000-0000-0000-000000000000',
    '11111111-1111-4111-8111-000000000001',
    '2026-13-45T25:61:61Z',
    '2026-12-02T10:00:00Z',
    '9'.repeat(400),
    '%',
    '\\',
    '{"$where": 1}',
    'null',
  ),
  fc.string({ maxLength: 5000 }),
);

const adversarialNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, -0, 1e21, 0.1),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => Number(n)),
);

/** Any JSON value, leaning on the ones that break coercion code. */
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    adversarialString,
    adversarialNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('eq', 'in', 'gte', 'lt', 'and', 'or', 'not', '__proto__', 'constructor', 'limit', 'offset')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A nesting `depth` deep of arrays or objects around a value (within what JSON.parse takes). */
const deepValue = fc
  .tuple(fc.integer({ min: 1, max: 400 }), fc.boolean(), hostileValue)
  .map(([depth, arrays, inner]) => {
    let value = inner;
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { eq: value };
    return value;
  });

function variablesFor(op: KnownOperation): fc.Arbitrary<unknown> {
  const names = op.variables.length > 0 ? op.variables : ['x'];
  return fc.oneof(
    fc.record(Object.fromEntries(names.map((name) => [name, fc.oneof(hostileValue, deepValue)])), { requiredKeys: [] }),
    fc.dictionary(fc.string({ maxLength: 10 }), hostileValue, { maxKeys: 8 }),
    hostileValue,
  );
}

function graphqlBody(known: readonly KnownOperation[]): fc.Arbitrary<Record<string, unknown>> {
  const op = fc.constantFrom(...known);
  const idSpelling = fc.constantFrom('documentId', 'doc_id', 'id');
  const byId = fc
    .tuple(op, idSpelling, fc.boolean())
    .chain(([o, key, prefixed]) =>
      fc.record(
        {
          [key]: fc.oneof(fc.constant(prefixed ? `sha256:${o.id}` : o.id), adversarialString),
          variables: variablesFor(o),
          operationName: fc.oneof(fc.constant(o.name), adversarialString, hostileValue),
          extensions: fc.oneof(hostileValue, fc.record({ persistedQuery: fc.record({ version: hostileValue, sha256Hash: fc.oneof(fc.constant(o.id), adversarialString) }) })),
        },
        { requiredKeys: [key] },
      ),
    );
  const byQuery = fc.record(
    {
      query: fc.oneof(adversarialString, fc.constantFrom('{ posts { id } }', 'query { __typename }', 'mutation { x }', 'query Q($a: Int) { user(id: $a) { id } }')),
      variables: hostileValue,
      operationName: hostileValue,
      extensions: hostileValue,
    },
    { requiredKeys: ['query'] },
  );
  return fc.oneof(byId, byQuery, fc.dictionary(fc.string({ maxLength: 12 }), hostileValue, { maxKeys: 6 }));
}

const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/graphql-response+json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
  fc.string({ maxLength: 30 }).filter(isHeaderValue),
);
const accept = fc.oneof(
  fc.constantFrom('application/graphql-response+json', 'application/json', '*/*', 'application/*', 'text/html', 'application/graphql-response+json;q=0.1, application/json;q=0.9', 'application/json;q=0', ''),
  fc.string({ maxLength: 30 }).filter(isHeaderValue),
);
const extraHeaders = fc.dictionary(
  fc.constantFrom('x-tenant', 'authorization', 'x-forwarded-for', 'cookie', 'x-apollo-operation-name', 'apollo-require-preflight', 'graphql-preflight', 'origin'),
  fc.string({ maxLength: 60 }).filter(isHeaderValue),
  { maxKeys: 3 },
);

function rawQueryValue(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((byte) => (byte > 0x20 && byte < 0x7f && byte !== 0x23 ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`)).join('');
}

function isHeaderValue(value: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(value);
}

/**
 * JSON text of a variable nested far deeper than JSON.stringify can print (1,000 to 20,000 levels
 * of lists or input objects), built as text: such a variable once answered 500 (stack overflow).
 */
const deepVariableText = fc
  .tuple(fc.integer({ min: 1_000, max: 20_000 }), fc.constantFrom<[string, string]>(['[', ']'], ['{"eq":', '}'], ['{"OR":[', ']}'], ['{"_not":', '}']), fc.constantFrom('1', '"a"', '{}', 'null'))
  .map(([depth, [open, close], inner]) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`);

/** JSON text of a very long variable, within the default body limit: a string or a list of strings. */
const longVariableText = fc
  .tuple(fc.integer({ min: 10_000, max: 90_000 }), fc.boolean())
  .map(([size, list]) => (list ? `[${Array.from({ length: Math.floor(size / 6) }, (_, i) => `"${(i % 1000).toString(36)}"`).join(',')}]` : JSON.stringify('x'.repeat(size))));

/** A request for a known operation whose variables are deeply nested or very long. */
function extremeVariablesBody(known: readonly KnownOperation[]): fc.Arbitrary<string> {
  return fc.constantFrom(...known).chain((op) => {
    const names = op.variables.length > 0 ? op.variables : ['x'];
    return fc
      .tuple(fc.subarray([...names], { minLength: 1 }), fc.oneof(deepVariableText, longVariableText))
      .map(([chosen, value]) => `{"documentId":"sha256:${op.id}","variables":{${chosen.map((n) => `${JSON.stringify(n)}:${value}`).join(',')}}}`);
  });
}

export function fuzzRequest(known: readonly KnownOperation[], route = '/graphql'): fc.Arbitrary<FuzzRequest> {
  const jsonText = graphqlBody(known).map((body) => JSON.stringify(body));
  const postBody = fc.oneof(
    { weight: 6, arbitrary: jsonText },
    { weight: 1, arbitrary: extremeVariablesBody(known) },
    { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: jsonText.chain((text) => fc.nat({ max: text.length }).map((n) => text.slice(0, n))) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '[]', '[{}]', '{', '{"query":', '\uFEFF{}', '{"variables":{"a":1},"variables":2}') },
  );
  const post = fc.record({
    method: fc.constant('POST'),
    path: fc.constant(route),
    headers: fc.tuple(contentType, accept, extraHeaders).map(([type, acc, extra]) => ({ ...extra, ...(type ? { 'content-type': type } : {}), ...(acc ? { accept: acc } : {}) })),
    body: postBody,
  });
  const queryValue = fc.oneof(hostileValue.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))), adversarialString);
  const get = fc.record({
    method: fc.constant('GET'),
    path: fc
      .tuple(
        graphqlBody(known),
        fc.dictionary(fc.constantFrom('query', 'variables', 'extensions', 'operationName', 'documentId', 'id', 'doc_id', 'x'), queryValue, { maxKeys: 3 }),
        fc.boolean(),
      )
      .map(([body, extra, raw]) => {
        // Raw: only what an HTTP request line cannot carry is percent-encoded (byte by byte).
        if (raw) return `${route}?${Object.entries(extra).map(([k, v]) => `${k}=${rawQueryValue(v)}`).join('&')}`;
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries({ ...body, ...extra })) search.set(key, typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
        return `${route}?${search}`;
      }),
    headers: fc.tuple(accept, extraHeaders).map(([acc, extra]) => ({ ...extra, ...(acc ? { accept: acc } : {}) })),
    body: fc.constant(undefined),
  });
  const other = fc.record({
    method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.constant(route),
    headers: fc.constant({ 'content-type': 'application/json' }),
    body: jsonText,
  });
  const raw = rawRequest(known, route).map((bytes): FuzzRequest => ({ method: 'RAW', path: '', headers: {}, body: undefined, raw: bytes }));
  return fc.oneof(
    { weight: 12, arbitrary: post },
    { weight: 6, arbitrary: get },
    { weight: 2, arbitrary: other },
    { weight: 2, arbitrary: raw },
    { weight: 1, arbitrary: oversizedRequest(known, route) },
  );
}

export interface FuzzAnswer {
  readonly status: number;
  readonly body: string;
}

/** Why an answer is wrong, or null when it is fine. */
export function checkAnswer(answer: FuzzAnswer): string | null {
  if (!ALLOWED_STATUSES.has(answer.status)) return `status ${answer.status}`;
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    return 'not JSON';
  }
  if (typeof json !== 'object' || json === null || !('data' in json || 'errors' in json)) return 'not a GraphQL response';
  for (const leak of LEAKS) if (leak.test(answer.body)) return `leaks ${leak}`;
  if (answer.body.includes('"DATABASE_ERROR"')) return 'bad input reached SQL (DATABASE_ERROR)';
  return null;
}

/** Sends one request on `agent` (keep-alive), resolving with the answer. */
export function send(base: URL, request: FuzzRequest, agent: http.Agent): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        // Node sends DELETE/OPTIONS bodies without a length otherwise: the server would read garbage.
        headers: request.body === undefined ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** A request as reported in a failure: long paths, headers and bodies cut to 500 characters. */
function shortened(request: FuzzRequest): FuzzRequest {
  const cut = (text: string): string => (text.length > 500 ? `${text.slice(0, 500)}... (${text.length} characters)` : text);
  return {
    method: request.method,
    path: cut(request.path),
    headers: Object.fromEntries(Object.entries(request.headers).slice(0, 20).map(([k, v]) => [k, cut(v)])),
    body: request.body === undefined ? undefined : cut(request.body),
    ...(request.raw === undefined ? {} : { raw: { bytes: cut(request.raw.bytes), truncated: request.raw.truncated } }),
  };
}

export interface FuzzResult {
  readonly cases: number;
  readonly statuses: Readonly<Record<number, number>>;
  /** Wrong answers (at most 20 kept), each with its request. */
  readonly failures: readonly { readonly reason: string; readonly request: FuzzRequest; readonly answer?: FuzzAnswer }[];
  readonly failureCount: number;
  readonly ms: number;
}

/** Runs `cases` generated requests (seeded) against `url`, `concurrency` at a time. */
export async function runFuzz(url: string, known: readonly KnownOperation[], cases: number, seed: number, concurrency = 16): Promise<FuzzResult> {
  const base = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses: Record<number, number> = {};
  const failures: { reason: string; request: FuzzRequest; answer?: FuzzAnswer }[] = [];
  let failureCount = 0;
  const started = performance.now();
  const arbitrary = fuzzRequest(known, base.pathname);
  // Generated in chunks, so that 100,000 cases are never all in memory.
  const CHUNK = 1000;
  try {
    for (let done = 0; done < cases; done += CHUNK) {
      const requests = fc.sample(arbitrary, { numRuns: Math.min(CHUNK, cases - done), seed: seed + done });
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < requests.length) {
            const request = requests[next++]!;
            let reason: string | null;
            let answer: FuzzAnswer | undefined;
            try {
              answer = request.raw === undefined ? await send(base, request, agent) : await sendRaw(base, request.raw);
              statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
              reason = checkAnswer(answer);
            } catch (error) {
              reason = `no answer: ${(error as Error).message}`;
            }
            if (reason !== null) {
              failureCount++;
              if (failures.length < 20) failures.push({ reason, request: shortened(request), ...(answer ? { answer: { status: answer.status, body: answer.body.slice(0, 500) } } : {}) });
            }
          }
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  return { cases, statuses, failures, failureCount, ms: performance.now() - started };
}
