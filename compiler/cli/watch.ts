// --watch: compile, then recompile whenever a schema or operation file, the metadata snapshot or a
// configuration file changes; write only the modules whose content changed and remove stale ones.
// A failing compile prints its diagnostics and leaves the output folder as it was.
import { CODE_FILE, GRAPHQL_FILE } from '../load/loadSources.js';
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import type { ProjectConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics.js';
import { writeChangedFiles } from '../emit/writeChanged.js';
import { loadMetadata } from '../metadata/loadMetadata.js';
import type { DatabaseMetadata } from '../metadata/types.js';
import { createCompileCache } from '../compileCache.js';
import { compileWith, reportFailure, reportSuccess } from './compileRun.js';
import type { OutputFormat, Streams } from './report.js';

export interface BuildEvent {
  readonly ok: boolean;
  /** Output files written (changed) and removed by this build. */
  readonly written: readonly string[];
  readonly removed: readonly string[];
  readonly ms: number;
}

export interface WatchContext {
  readonly io: Streams;
  readonly format: OutputFormat;
  readonly cwd: string;
  /** Re-reads the configuration (after a configuration file changed). */
  readonly reload?: () => Promise<{ config: ProjectConfig } | { diagnostics: Diagnostic[] }>;
  /** Stops watching; the returned promise then resolves with 0. Default: SIGINT / SIGTERM. */
  readonly signal?: AbortSignal;
  readonly onBuild?: (event: BuildEvent) => void;
}

const DEBOUNCE_MS = 20;

export async function watchProject(initial: ProjectConfig, ctx: WatchContext): Promise<number> {
  let config = initial;
  let metadata: DatabaseMetadata | { diagnostics: Diagnostic[] } | undefined;
  let previous: ReadonlyMap<string, string> | undefined;
  let cache = createCompileCache();
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let reloadConfig = false;
  let reloadMetadata = true;

  const build = async (): Promise<void> => {
    const started = performance.now();
    if (reloadConfig && ctx.reload) {
      const loaded = await ctx.reload();
      if ('diagnostics' in loaded) {
        reportFailure(ctx.io, ctx.format, loaded.diagnostics);
        ctx.onBuild?.({ ok: false, written: [], removed: [], ms: 0 });
        return;
      }
      config = loaded.config;
      cache = createCompileCache();
      reloadMetadata = true;
    }
    reloadConfig = false;
    if (reloadMetadata) metadata = await loadMetadata({ metadataFile: config.metadata, databaseUrl: config.databaseUrl, cwd: ctx.cwd });
    reloadMetadata = false;
    const result = metadata && 'diagnostics' in metadata
      ? ({ ok: false, diagnostics: metadata.diagnostics } as const)
      : await compileWith(config, metadata!, ctx.cwd, cache);
    updateWatchers(); // before reporting: whoever reacts to the report may edit files at once
    if (!result.ok) {
      reportFailure(ctx.io, ctx.format, result.diagnostics);
      ctx.onBuild?.({ ok: false, written: [], removed: [], ms: Math.round(performance.now() - started) });
    } else {
      const { written, removed } = await writeChangedFiles(config.out!, result.files, previous);
      previous = result.files;
      const ms = Math.round(performance.now() - started);
      reportSuccess(ctx.io, ctx.format, config, result, ctx.cwd, ms, written);
      ctx.onBuild?.({ ok: true, written, removed, ms });
    }
  };

  const schedule = (kind: 'source' | 'config' | 'metadata'): void => {
    if (kind === 'config') reloadConfig = true;
    if (kind === 'metadata') reloadMetadata = true;
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  };
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = build()
      .catch((error: unknown) => {
        ctx.io.stderr.write(`fraise-compile: ${(error as Error).stack ?? String(error)}\n`);
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };

  const classify = (dir: string, name: string | null): 'source' | 'config' | 'metadata' | undefined => {
    if (name === null) return 'source';
    const file = path.join(dir, name);
    if (config.configFiles.includes(file)) return 'config';
    if (config.metadata === file) return 'metadata';
    if (GRAPHQL_FILE.test(name)) return 'source';
    // Code files may hold GraphQL templates; the output folder's own modules (and the temporary
    // files they are written through) are not sources.
    const out = config.out === undefined ? undefined : path.resolve(config.out);
    if (out !== undefined && (file === out || file.startsWith(out + path.sep) || file.startsWith(`${out}.fraise-`))) return undefined;
    return CODE_FILE.test(name) ? 'source' : undefined;
  };
  function updateWatchers(): void {
    const dirs = new Set<string>();
    for (const pattern of patterns()) dirs.add(staticBase(pattern));
    for (const file of [...config.configFiles, ...(config.metadata ? [config.metadata] : [])]) dirs.add(path.dirname(file));
    dirs.add(ctx.cwd); // a configuration file created later
    for (const [dir, watcher] of watchers) {
      if (!dirs.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { recursive: needsRecursion(dir) }, (_event, name) => {
          const kind = classify(dir, name === null ? null : name.toString());
          if (kind) schedule(kind);
        });
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(dir);
        });
        watchers.set(dir, watcher);
      } catch {
        // The folder does not exist (yet); the next build tries again.
      }
    }
  }
  /** Recursive only where a pattern reaches below its base folder (`**`, `a/*\/b`). */
  const needsRecursion = (dir: string): boolean =>
    patterns().some((p) => staticBase(p) === dir && path.relative(dir, p).split(/[\\/]/).length > 1);
  /** The positive patterns, absolute. */
  const patterns = (): string[] =>
    [...config.schema, ...config.operations].filter((p) => !p.startsWith('!')).map((p) => path.resolve(ctx.cwd, p));

  await build();
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void (running ?? Promise.resolve()).then(() => resolve(0));
    };
    if (ctx.signal) {
      if (ctx.signal.aborted) stop();
      else ctx.signal.addEventListener('abort', stop, { once: true });
    } else {
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }
  });
}

/** The folder part of a glob before its first wildcard segment: /a/b/**\/*.graphql -> /a/b. */
export function staticBase(pattern: string): string {
  const segments = pattern.split(/[\\/]/);
  const first = segments.findIndex((s) => /[*?[\]{}()!]/.test(s));
  if (first < 0) return path.dirname(pattern);
  return segments.slice(0, first).join('/') || '/';
}
