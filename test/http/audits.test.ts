// graphql-http's server audits (GraphQL over HTTP conformance) against the handler on node:http.
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { auditOperations } from './auditOperations.js';
import { listen, type Listening } from './support.js';

let db: TestDatabase;
let server: Listening;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await listen(createHandler({ pool: db.pool, operations: auditOperations }));
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe('graphql-http server audits', () => {
  for (const audit of serverAudits({ url: () => server.url })) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? result.status : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});
