// Generated modules import their helpers from @fraise/runtime. Where the compiler itself evaluates
// compiled output (run-time compilation in createHandler, `fraise-compile check`), the folder may
// sit where that package does not resolve, so esbuild bundles the modules with the runtime's
// helpers (its dist/generated.js: pure functions, neither pg nor node:http).
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';

/** The file of the runtime's helpers for generated modules. */
export function runtimeHelpersFile(): string {
  const runtimeDir = path.dirname(createRequire(import.meta.url).resolve('@fraise/runtime/package.json'));
  return path.join(runtimeDir, 'dist', 'generated.js');
}

/** An esbuild plugin resolving `@fraise/runtime` (and `fraise/runtime`) to the runtime's helpers. */
export function runtimeHelpersPlugin(): Plugin {
  const helpers = runtimeHelpersFile();
  return { name: 'fraise-runtime-helpers', setup: (build) => void build.onResolve({ filter: /^(@fraise|fraise)\/runtime$/ }, () => ({ path: helpers })) };
}
