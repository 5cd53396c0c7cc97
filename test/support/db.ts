// Per-test-file databases, copied from the template that the global setup loaded with the fixture.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { SAAS_TEMPLATE_DATABASE, TEMPLATE_DATABASE } from '../setup/globalSetup.js';

export { SAAS_TEMPLATE_DATABASE, TEMPLATE_DATABASE };

export interface TestDatabase {
  /** Connection URL of this database (hand it to code that makes its own pool). */
  readonly url: string;
  readonly name: string;
  readonly pool: pg.Pool;
  /** Ends the pool and drops the database; safe to call twice. */
  drop(): Promise<void>;
}

/** Admin URL of the test server (a maintenance database on it, never the template). */
export function adminUrl(): string {
  return inject('fraiseDatabaseUrl');
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh copy of a fixture's template: the blog's by default, `SAAS_TEMPLATE_DATABASE` for fixtures/saas. */
export async function createTestDatabase(options: { readonly template?: string } = {}): Promise<TestDatabase> {
  const name = `fraise_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (admin) => {
    await createFromTemplate(admin, name, options.template ?? TEMPLATE_DATABASE);
    // Database-level settings are not copied from the template; fix the zone so timestamps are stable.
    await admin.query(`ALTER DATABASE ${name} SET timezone TO 'UTC'`);
  });
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {}); // idle clients die when the database is dropped; that is expected
  let dropped: Promise<void> | undefined;
  return {
    url,
    name,
    pool,
    drop: () =>
      (dropped ??= (async () => {
        await pool.end();
        await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      })()),
  };
}

/**
 * CREATE DATABASE ... TEMPLATE fails with 55006 (object_in_use) while any session (e.g. autovacuum)
 * is connected to the template, so retry with a short backoff instead of failing the file.
 * FILE_COPY copies the directory instead of WAL-logging every block: faster for a small template.
 */
async function createFromTemplate(admin: pg.Client, name: string, template: string): Promise<void> {
  // STRATEGY exists from PostgreSQL 15 (before it, FILE_COPY was the only way): the 13-18 matrix.
  const { rows } = await admin.query<{ modern: boolean }>(`SELECT current_setting('server_version_num')::int >= 150000 AS modern`);
  const strategy = rows[0]?.modern ? ' STRATEGY FILE_COPY' : '';
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}${strategy}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 50 + attempt * 20));
    }
  }
}

async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}
