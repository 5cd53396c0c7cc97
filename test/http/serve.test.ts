// fraise-compile serve: a generated folder served over HTTP, in process and as the real command.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../compiler/serve.js';
import { createRuntime } from '../../runtime/index.js';
import { compileBlogFixture, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { post, request } from './support.js';

const ALICE = '11111111-1111-4111-8111-000000000001';

let db: TestDatabase;
let fixture: GeneratedFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'http-serve');
});
afterAll(async () => {
  await db?.drop();
});

describe('fraise-compile serve', () => {
  it('serves the folder at /graphql and answers 404 elsewhere', async () => {
    const server = await startServer({ dir: fixture.outDir, databaseUrl: db.url, port: 0, log: () => {} });
    try {
      expect(server.operationCount).toBe(Object.keys(fixture.operations).length);
      const userById = fixture.operationsByName['UserById']!;
      const reply = await post(server.url, { documentId: userById.id, variables: { id: ALICE } });
      expect(reply.json).toEqual(await createRuntime({ pool: db.pool }).execute(userById, { id: ALICE }));
      const elsewhere = await request(server.url.replace('/graphql', '/other'));
      expect(elsewhere.status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('runs as a command until SIGTERM (built into dist/ by npm test)', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/fraise-compile.js'), 'serve', '--dir', fixture.outDir, '--port', '0'], {
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /at (http:\/\/\S+)\n/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stdout}`)));
    });
    expect(stdout).toBe(`fraise-compile serve: ${Object.keys(fixture.operations).length} operation(s) at ${url}\n`);
    const listUsers = fixture.operationsByName['ListUsers']!;
    const reply = await post(url, { documentId: `sha256:${listUsers.id}` });
    expect(reply.json).toEqual(await createRuntime({ pool: db.pool }).execute(listUsers, {}));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
