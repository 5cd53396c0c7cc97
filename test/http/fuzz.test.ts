// Hostile input at scale: 10,000 generated requests (bench/fuzz/httpFuzz.ts, fast-check, fixed
// seed) against the handler serving the blog fixture over real HTTP and PostgreSQL, on a node:http
// server with answerServerRefusals. Every answer (among them variables nested up to 20,000 deep
// and up to 90 KB long built as text, heads written byte by byte, heads of up to 300 KB)
// is valid JSON with a status the specification allows, none is a 5xx, none carries PostgreSQL
// text or a stack trace, and bad input never reaches SQL (no DATABASE_ERROR). bench/fuzz.ts runs
// 100,000.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswer, FUZZ_SERVER_OPTIONS, operationsOf, runFuzz } from '../../bench/fuzz/httpFuzz.js';
import { answerServerRefusals, createHandler } from '../../runtime/index.js';
import { compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, type Listening } from './support.js';

const CASES = 10_000;
const SEED = 15_2026;

let db: TestDatabase;
let fixture: GeneratedFixture;
let server: Listening;
const serverErrors: unknown[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'http-fuzz');
  server = await listen(createHandler({ pool: db.pool, operations: fixture.operations, onError: (error) => void serverErrors.push(error) }), FUZZ_SERVER_OPTIONS);
  answerServerRefusals(server.server);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe('hostile input at scale', () => {
  it('the checker itself refuses what it must', () => {
    expect(checkAnswer({ status: 500, body: '{"errors":[]}' })).toBe('status 500');
    expect(checkAnswer({ status: 200, body: '{"data":' })).toBe('not JSON');
    expect(checkAnswer({ status: 200, body: '{"errors":[{"message":"syntax error at or near \\"x\\""}]}' })).toMatch(/^leaks/);
    expect(checkAnswer({ status: 200, body: '{"errors":[{"message":"x\\n    at f (/app/x.js:1:2)"}]}' })).toMatch(/^leaks/);
    expect(checkAnswer({ status: 200, body: '{"data":null,"errors":[{"extensions":{"code":"DATABASE_ERROR"}}]}' })).toMatch(/DATABASE_ERROR/);
    expect(checkAnswer({ status: 400, body: '{"errors":[{"message":"Variable \\"$id\\" got invalid value"}]}' })).toBeNull();
    // node:http's own answer to a head over 16 KB, without answerServerRefusals: an empty body.
    expect(checkAnswer({ status: 431, body: '' })).toBe('not JSON');
  });

  it(`${CASES.toLocaleString('en')} generated requests: 0 crashes, 0 5xx, 0 leaks, all valid JSON with a spec status`, async () => {
    const known = operationsOf(fixture.operations);
    const result = await runFuzz(server.url, known, CASES, SEED, 8);
    expect(result.failures).toEqual([]);
    expect(result.failureCount).toBe(0);
    const total = Object.values(result.statuses).reduce((a, b) => a + b, 0);
    expect(total).toBe(CASES);
    // Every kind of answer was reached (the generator is not stuck on one path).
    expect(Object.keys(result.statuses).map(Number).sort()).toEqual(expect.arrayContaining([200, 400, 405, 415, 431]));
    expect(result.statuses[200]).toBeGreaterThan(CASES / 100);
    expect(serverErrors).toEqual([]);
  }, 240_000); // 10,000 requests take ~50 s alone on a loaded 2-core machine; a fresh-clone run took over 60 s
});
