// `fraise-compile [--config F] --schema G --operations G --out DIR [--database-url URL | --metadata F]`:
// compiles once (or, with --watch, on every change) and writes the output folder atomically.
import type { Diagnostic } from '../diagnostics.js';
import { writeOutputFolder } from '../emit/writeOutput.js';
import { loadMetadata } from '../metadata/loadMetadata.js';
import { parseCommand, type ParsedValues } from './args.js';
import { compileWith, reportFailure, reportSuccess } from './compileRun.js';
import { CONFIG_OPTIONS, projectConfig } from './projectSetup.js';
import type { OutputFormat, Streams } from './report.js';
import { type WatchContext, watchProject } from './watch.js';

export const COMPILE_USAGE = `Usage: fraise-compile [--config <file>] --schema <glob> --operations <glob> --out <dir>
                      [--database-url <url> | --metadata <file>] [options]
       fraise-compile introspect --database-url <url> --out <file>
       fraise-compile check --database-url <url> --out <dir>
       fraise-compile serve --dir <dir> [--database-url <url>]   (serve --help for its options)

Compiles GraphQL operations over PostgreSQL views into prepared SQL, types and serializers.

Options:
  --config <file>        configuration file (default: ./fraise.config.json; .graphqlrc is read too)
  --schema <glob>        SDL files (repeatable)
  --operations <glob>    operation documents (repeatable)
  --out <dir>            output folder (replaced atomically)
  --database-url <url>   database to read metadata from (default: $DATABASE_URL)
  --metadata <file>      metadata snapshot (fraise-compile introspect) instead of a live database
  --naming <camel|preserve>  field userId reads data key user_id (camel, default) or userId
  --output <both|ts|js>  emit .ts + .js + .d.ts (default), .ts only, or .js + .d.ts
  --max-page-size <n>    largest limit a list accepts, and the limit of lists without one
  --ignore-warning <code>  do not report this warning code (repeatable)
  --report               print each operation's depth, aliases, root fields and estimated rows
  --advise               also report lists whose objects make PostgreSQL build a view's whole
                         data, and the columns that would spare it (FRAISE_DATA_BUILT)
  --no-introspection     refuse operations that ask for __schema / __type (a production list)
  --watch                recompile on every change of schema, operations, snapshot or config
  --format <text|json>   diagnostics as text on stderr (default) or JSON on stdout
  -h, --help             this text

See docs/cli.md for every command, option and diagnostic code.`;

const OPTIONS = {
  ...CONFIG_OPTIONS,
  schema: { type: 'string', multiple: true },
  operations: { type: 'string', multiple: true },
  out: { type: 'string' },
  metadata: { type: 'string' },
  naming: { type: 'string' },
  output: { type: 'string' },
  'max-page-size': { type: 'string' },
  'ignore-warning': { type: 'string', multiple: true },
  'no-introspection': { type: 'boolean' },
  watch: { type: 'boolean' },
  report: { type: 'boolean' },
  advise: { type: 'boolean' },
} as const;

export async function compileCommand(
  argv: readonly string[],
  io: Streams,
  cwd = process.cwd(),
  watchHooks: Pick<WatchContext, 'signal' | 'onBuild'> = {},
): Promise<number> {
  const values = parseCommand(argv, OPTIONS, COMPILE_USAGE, io);
  if (typeof values === 'number') return values;
  const format: OutputFormat = values['format'] === 'json' ? 'json' : 'text';
  const setup = await projectConfig(values, cwd);
  if ('diagnostics' in setup) return usageFailure(io, format, setup.diagnostics);
  const config = setup.config;
  const missing = (['schema', 'operations', 'out'] as const).filter((k) => (k === 'out' ? !config.out : config[k].length === 0));
  if (missing.length > 0) {
    return usageFailure(io, format, [
      { code: 'FRAISE_USAGE', message: `missing ${missing.map((m) => `--${m}`).join(', ')}`,
        hint: 'Give them on the command line or in fraise.config.json; fraise-compile --help lists the options.' },
    ]);
  }
  if (values['watch']) return watchProject(config, { io, format, cwd, reload: () => projectConfig(values, cwd), ...watchHooks });
  const metadata = await loadMetadata({ metadataFile: config.metadata, databaseUrl: config.databaseUrl, cwd });
  const started = performance.now();
  const result = 'diagnostics' in metadata ? ({ ok: false, diagnostics: metadata.diagnostics } as const) : await compileWith(config, metadata, cwd);
  if (!result.ok) return reportFailure(io, format, result.diagnostics);
  await writeOutputFolder(config.out!, result.files);
  reportSuccess(io, format, config, result, cwd, Math.round(performance.now() - started), undefined, values['report'] === true, values['advise'] === true);
  return 0;
}

/** Like a failed compile, but exit code 2: the command line or the configuration is wrong. */
function usageFailure(io: Streams, format: OutputFormat, diagnostics: readonly Diagnostic[]): number {
  reportFailure(io, format, diagnostics);
  return 2;
}

export type { ParsedValues };
