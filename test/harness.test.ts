// Proves the database harness: per-file databases are real, independent copies of the template.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/db.js';

const fixtureDir = process.env.FRAISE_TEST_FIXTURE_DIR ?? fileURLToPath(new URL('../fixtures/blog', import.meta.url));
const fixtureExists = existsSync(`${fixtureDir}/schema.sql`) && existsSync(`${fixtureDir}/seed-small.sql`);

describe('test database harness', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it('gives each caller its own database, copied from the template with C collation and UTC', async () => {
    expect(a.name).not.toBe(b.name);
    const { rows } = await a.pool.query(
      `SELECT current_database() AS db, datcollate, datctype, current_setting('TimeZone') AS tz
         FROM pg_database WHERE datname = current_database()`,
    );
    expect(rows[0]).toEqual({ db: a.name, datcollate: 'C', datctype: 'C', tz: 'UTC' });
  });

  it('keeps databases independent', async () => {
    await a.pool.query('CREATE TABLE harness_probe (x int)');
    await a.pool.query('INSERT INTO harness_probe VALUES (1)');
    const inA = await a.pool.query(`SELECT to_regclass('harness_probe') IS NOT NULL AS present`);
    const inB = await b.pool.query(`SELECT to_regclass('harness_probe') IS NOT NULL AS present`);
    expect(inA.rows[0].present).toBe(true);
    expect(inB.rows[0].present).toBe(false);
  });

  it('drops the database', async () => {
    const c = await createTestDatabase();
    await c.drop();
    await c.drop(); // idempotent
    const { rows } = await a.pool.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [c.name]);
    expect(rows[0].n).toBe(0);
  });

  it.runIf(fixtureExists)('has the fixture loaded in the template', async () => {
    const { rows } = await a.pool.query('SELECT count(*)::int AS n FROM v_post');
    expect(rows[0].n).toBeGreaterThan(0);
  });
});
