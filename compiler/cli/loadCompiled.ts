// Loads the statements of a compiled output folder: its index.js (or, for a .ts-only folder,
// index.ts) bundled in memory by esbuild with the runtime's helpers, and reads operationsByName.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Diagnostic } from '../diagnostics.js';
import { runtimeHelpersPlugin } from '../runtimeHelpers.js';

export interface CompiledStatements {
  readonly name: string;
  readonly statements: readonly { readonly name: string; readonly text: string }[];
}

export async function loadCompiledOperations(out: string, shownAs = out): Promise<{ operations: CompiledStatements[] } | { diagnostics: Diagnostic[] }> {
  const js = path.join(out, 'index.js');
  const ts = path.join(out, 'index.ts');
  const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false);
  let module: { operationsByName?: Record<string, CompiledStatements> };
  try {
    const entry = (await exists(js)) ? js : (await exists(ts)) ? ts : undefined;
    if (entry !== undefined) {
      // Bundled with the runtime's helpers: the folder may sit where @fraise/runtime does not resolve.
      const bundled = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent', plugins: [runtimeHelpersPlugin()] });
      const dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-check-'));
      try {
        const file = path.join(dir, 'index.mjs');
        await writeFile(file, bundled.outputFiles[0]!.text);
        module = (await import(pathToFileURL(file).href)) as typeof module;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } else {
      return { diagnostics: [{ code: 'FRAISE_NO_OUTPUT', message: `No compiled output in "${shownAs}" (no index.js or index.ts).`,
        hint: 'Compile first (fraise-compile --out DIR), and give check the same --out.' }] };
    }
  } catch (error) {
    return { diagnostics: [{ code: 'FRAISE_NO_OUTPUT', message: `Cannot load the compiled output in "${shownAs}": ${(error as Error).message}`,
      hint: 'Recompile the folder with this version of fraise-compile.' }] };
  }
  const byName = module.operationsByName ?? {};
  const operations = Object.keys(byName)
    .sort()
    .map((name) => ({ name, statements: byName[name]!.statements.map((s) => ({ name: s.name, text: s.text })) }));
  return { operations };
}
