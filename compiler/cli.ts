// fraise-compile: parses the command line, runs the pipeline, prints diagnostics or writes output.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { compileProject } from './compile.js';
import { CompileFailure, formatDiagnostic } from './diagnostics.js';
import { writeOutputFolder } from './emit/writeOutput.js';
import type { DatabaseMetadata } from './metadata/types.js';

const USAGE = `Usage: fraise-compile --schema <glob> --operations <glob> --out <dir> [--database-url <url> | --metadata <file>]
       fraise-compile serve --dir <dir> [--database-url <url>]   (serve --help for its options)

Compiles GraphQL operations over PostgreSQL views into prepared SQL, types and serializers.

Options:
  --schema <glob>        SDL files (repeatable)
  --operations <glob>    operation documents (repeatable)
  --out <dir>            output folder (replaced atomically)
  --database-url <url>   database to read view metadata from (default: $DATABASE_URL)
  --metadata <file>      metadata snapshot instead of a live database
  --max-page-size <n>    largest limit a list accepts, and the limit of lists without one
  -h, --help             this text`;

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'serve') return (await import('./serve.js')).serve(argv.slice(1));
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        schema: { type: 'string', multiple: true },
        operations: { type: 'string', multiple: true },
        out: { type: 'string' },
        'database-url': { type: 'string' },
        metadata: { type: 'string' },
        'max-page-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`error FRAISE_USAGE: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const missing = (['schema', 'operations', 'out'] as const).filter((k) => !values[k]);
  if (missing.length > 0) {
    process.stderr.write(`error FRAISE_USAGE: missing ${missing.map((m) => `--${m}`).join(', ')}\n\n${USAGE}\n`);
    return 2;
  }
  const metadata = values.metadata
    ? (JSON.parse(await readFile(values.metadata, 'utf8')) as DatabaseMetadata)
    : undefined;
  const started = performance.now();
  const result = await compileProject({
    schema: values.schema!,
    operations: values.operations!,
    databaseUrl: values['database-url'] ?? process.env['DATABASE_URL'],
    ...(metadata ? { metadata } : {}),
    ...(values['max-page-size'] !== undefined ? { maxPageSize: Number(values['max-page-size']) } : {}),
  });
  if (!result.ok) {
    process.stderr.write(`${result.diagnostics.map(formatDiagnostic).join('\n\n')}\n\n`);
    process.stderr.write(`fraise-compile: ${result.diagnostics.length} error(s); nothing was written.\n`);
    return 1;
  }
  await writeOutputFolder(values.out!, result.files);
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`fraise-compile: ${result.operations.length} operation(s) compiled to ${values.out} in ${ms} ms\n`);
  return 0;
}

export { CompileFailure };
