import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:pg-client` runs tests against another release of pg: FRAISE_PG_CLIENT is the folder
// of that copy, and every `pg` import of the test process (tests, runtime, compiler) resolves to it.
const pgClient = process.env.FRAISE_PG_CLIENT;

export default defineConfig({
  resolve: {
    // Tests, the compiler and generated modules share one copy of the runtime: its source (no stale
    // runtime/dist between builds). Child processes (CLI, serve) use the built package.
    alias: [
      { find: /^@fraise\/runtime$/, replacement: fileURLToPath(new URL('./runtime/index.ts', import.meta.url)) },
      ...(pgClient ? [{ find: /^pg$/, replacement: pgClient }] : []),
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/globalSetup.ts'],
    setupFiles: ['test/setup/pgDeprecations.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/setup/summaryReporter.ts'],
  },
});
