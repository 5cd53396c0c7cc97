import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests, the compiler and generated modules share one copy of the runtime: its source (no stale
    // runtime/dist between builds). Child processes (CLI, serve) use the built package.
    alias: [{ find: /^@fraise\/runtime$/, replacement: fileURLToPath(new URL('./runtime/index.ts', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/setup/summaryReporter.ts'],
  },
});
