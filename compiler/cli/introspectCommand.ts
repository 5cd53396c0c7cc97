// `fraise-compile introspect --database-url URL --out fraise.metadata.json`: records what the
// compiler needs from the database (tables and views with columns, functions, enums, indexes),
// sorted, so that compiling from the file gives the same output as compiling against the database.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadMetadata } from '../metadata/loadMetadata.js';
import { serializeMetadata } from '../metadata/normalize.js';
import { parseCommand, str } from './args.js';
import { CONFIG_OPTIONS, projectConfig } from './projectSetup.js';
import { displayPath, type OutputFormat, printDiagnostics, printJson, type Streams } from './report.js';

export const INTROSPECT_USAGE = `Usage: fraise-compile introspect [--config <file>] --database-url <url> [--out <file>] [--format text|json]

Writes a metadata snapshot of the database (tables and views with their columns, function
signatures, enum types, indexes), sorted so that it diffs well. Compile from it with --metadata.

Options:
  --database-url <url>   database to read (default: $DATABASE_URL)
  --out <file>           snapshot file (default: "metadata" of the configuration, else stdout)
  --config <file>        configuration file (default: ./fraise.config.json)
  --format <text|json>   how to report problems
  -h, --help             this text`;

export async function introspectCommand(argv: readonly string[], io: Streams, cwd = process.cwd()): Promise<number> {
  const values = parseCommand(argv, { ...CONFIG_OPTIONS, out: { type: 'string' } }, INTROSPECT_USAGE, io);
  if (typeof values === 'number') return values;
  const format: OutputFormat = values['format'] === 'json' ? 'json' : 'text';
  // --out names the snapshot here, not the output folder; keep it away from the shared options.
  const { out, ...shared } = values;
  const setup = await projectConfig(shared, cwd);
  const fail = (diagnostics: Parameters<typeof printDiagnostics>[1], code: number): number => {
    if (format === 'json') printJson(io, false, diagnostics);
    else printDiagnostics(io, diagnostics);
    return code;
  };
  if ('diagnostics' in setup) return fail(setup.diagnostics, 2);
  const metadata = await loadMetadata({ databaseUrl: setup.config.databaseUrl });
  if ('diagnostics' in metadata) return fail(metadata.diagnostics, 1);
  const text = serializeMetadata(metadata);
  const target = str(out) !== undefined ? path.resolve(cwd, str(out)!) : setup.config.metadata;
  if (target === undefined) {
    io.stdout.write(text);
    return 0;
  }
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.fraise-tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, target);
  const summary = {
    relations: metadata.relations.length,
    functions: metadata.functions.length,
    enums: metadata.enums.length,
    indexes: metadata.indexes.length,
  };
  if (format === 'json') printJson(io, true, [], { out: displayPath(target, cwd), ...summary });
  else {
    io.stdout.write(
      `fraise-compile: wrote ${displayPath(target, cwd)} (${summary.relations} relation(s), ${summary.functions} function(s), ` +
        `${summary.enums} enum(s), ${summary.indexes} index(es))\n`,
    );
  }
  return 0;
}
