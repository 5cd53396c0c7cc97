// A fresh embedded PostgreSQL holding the blog fixture at benchmark scale (always seeded anew).
import path from 'node:path';
import pg from 'pg';
import { createDatabaseFromFiles, startEmbeddedPostgres } from '../scripts/lib/embeddedPostgres.js';
import { log, seconds } from './log.js';

export interface BenchDatabase {
  readonly url: string;
  /** Stops PostgreSQL and deletes its data. */
  readonly stop: () => Promise<void>;
}

/** `seed` small loads the test seed instead (a quick run while working on the benchmark itself). */
export async function startBenchDatabase(repoRoot: string, seed: 'bench' | 'small' = 'bench'): Promise<BenchDatabase> {
  let started = performance.now();
  const server = await startEmbeddedPostgres();
  log(`PostgreSQL started in ${seconds(started)}`);
  try {
    const fixture = path.join(repoRoot, 'fixtures/blog');
    started = performance.now();
    const seedFile = seed === 'small' ? 'seed-small.sql' : 'seed-bench.sql';
    log(`loading fixtures/blog/schema.sql + ${seedFile}${seed === 'small' ? '' : ' (10k users, 100k posts, 500k comments)'}...`);
    const ticker = setInterval(() => log(`  ... still seeding, ${seconds(started)}`), 15_000);
    const url = await createDatabaseFromFiles(server, 'blog_bench', [
      path.join(fixture, 'schema.sql'),
      path.join(fixture, seedFile),
    ]).finally(() => clearInterval(ticker));
    log(`seeded in ${seconds(started)}`);
    started = performance.now();
    await vacuum(url);
    log(`VACUUM (ANALYZE) in ${seconds(started)}`);
    return { url, stop: () => server.stop() };
  } catch (error) {
    await server.stop().catch(() => {});
    throw error;
  }
}

/**
 * As a live database would be: vacuumed (the visibility map set, so index-only scans skip the
 * heap), and no autovacuum of the freshly filled tables competing with the measurements.
 */
async function vacuum(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end();
  }
}
