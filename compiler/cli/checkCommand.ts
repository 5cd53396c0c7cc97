// `fraise-compile check --database-url URL [--out DIR]`: prepares every statement of the compiled
// output folder on the database (PREPARE inside a transaction that is rolled back: nothing runs)
// and reports each statement that no longer fits, e.g. after a column was dropped or its type
// changed. Exit 1 on drift, so it can gate a deploy.
import { templateEscape } from '../emit/emitModule.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Diagnostic, SourceLocation } from '../diagnostics.js';
import { parseCommand } from './args.js';
import { loadCompiledOperations, type CompiledStatements } from './loadCompiled.js';
import { CONFIG_OPTIONS, projectConfig } from './projectSetup.js';
import { displayPath, type OutputFormat, printDiagnostics, printJson, type Streams } from './report.js';

export const CHECK_USAGE = `Usage: fraise-compile check [--config <file>] --database-url <url> [--out <dir>] [--format text|json]

Prepares every compiled statement of the output folder on the database (nothing is executed) and
reports those that no longer fit: a dropped or renamed column or view, a changed type. Exits 1 on
drift, so it can gate a deploy.

Options:
  --database-url <url>   database to check against (default: $DATABASE_URL)
  --out <dir>            the compiled output folder (default: "out" of the configuration)
  --config <file>        configuration file (default: ./fraise.config.json)
  --format <text|json>   report as text on stderr (default) or JSON on stdout
  -h, --help             this text`;

const PREPARE = 'PREPARE fraise_check AS ';

interface PgError {
  readonly message: string;
  readonly code?: string;
  readonly position?: string;
  readonly hint?: string;
}

export async function checkCommand(argv: readonly string[], io: Streams, cwd = process.cwd()): Promise<number> {
  const values = parseCommand(argv, { ...CONFIG_OPTIONS, out: { type: 'string' } }, CHECK_USAGE, io);
  if (typeof values === 'number') return values;
  const format: OutputFormat = values['format'] === 'json' ? 'json' : 'text';
  const finish = (ok: boolean, diagnostics: readonly Diagnostic[], summary: string, extra: Record<string, unknown> = {}): void => {
    if (format === 'json') printJson(io, ok, diagnostics, extra);
    else {
      printDiagnostics(io, diagnostics);
      (ok ? io.stdout : io.stderr).write(`fraise-compile check: ${summary}\n`);
    }
  };
  const setup = await projectConfig(values, cwd);
  if ('diagnostics' in setup) {
    finish(false, setup.diagnostics, 'invalid configuration.');
    return 2;
  }
  const { config } = setup;
  const usage = (message: string, hint: string): number => {
    finish(false, [{ code: 'FRAISE_USAGE', message, hint }], 'nothing was checked.');
    return 2;
  };
  if (!config.out) return usage('missing --out (the compiled output folder)', 'Give --out or "out" in fraise.config.json.');
  if (!config.databaseUrl) return usage('missing --database-url', 'Give --database-url or set DATABASE_URL.');

  const loaded = await loadCompiledOperations(config.out, displayPath(config.out, cwd));
  if ('diagnostics' in loaded) {
    finish(false, loaded.diagnostics, 'nothing was checked.');
    return 1;
  }
  let failures: { operation: CompiledStatements; statement: { name: string; text: string }; error: PgError }[];
  try {
    failures = await prepareAll(config.databaseUrl, loaded.operations);
  } catch (error) {
    finish(false, [{ code: 'FRAISE_DATABASE_UNREACHABLE', message: `Could not check against the database: ${(error as Error).message}`,
      hint: 'Check --database-url and that the server is running.' }], 'nothing was checked.');
    return 1;
  }
  const diagnostics: Diagnostic[] = [];
  for (const failure of failures) diagnostics.push(await driftDiagnostic(config.out, cwd, failure.operation, failure.statement, failure.error));
  const total = loaded.operations.reduce((n, op) => n + op.statements.length, 0);
  const extra = { operations: loaded.operations.length, statements: total, drifted: failures.length };
  if (failures.length > 0) {
    finish(false, diagnostics, `${failures.length} of ${total} statement(s) no longer fit the database.`, extra);
    return 1;
  }
  finish(true, [], `${total} statement(s) of ${loaded.operations.length} operation(s) prepare on the database.`, extra);
  return 0;
}

async function prepareAll(databaseUrl: string, operations: readonly CompiledStatements[]) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const failures: { operation: CompiledStatements; statement: { name: string; text: string }; error: PgError }[] = [];
  try {
    await client.query('BEGIN READ ONLY');
    for (const operation of operations) {
      for (const statement of operation.statements) {
        await client.query('SAVEPOINT fraise_check');
        try {
          await client.query(`${PREPARE}${statement.text}`);
          await client.query('DEALLOCATE fraise_check');
        } catch (error) {
          const e = error as PgError;
          failures.push({ operation, statement, error: { message: e.message, ...pick(e) } });
          await client.query('ROLLBACK TO SAVEPOINT fraise_check');
        }
      }
    }
    await client.query('ROLLBACK');
  } finally {
    await client.end();
  }
  return failures;
}

function pick(e: PgError): Partial<PgError> {
  return {
    ...(e.code ? { code: e.code } : {}),
    ...(e.position ? { position: e.position } : {}),
    ...(e.hint ? { hint: e.hint } : {}),
  };
}

async function driftDiagnostic(
  out: string,
  cwd: string,
  operation: CompiledStatements,
  statement: { name: string; text: string },
  error: PgError,
): Promise<Diagnostic> {
  // PostgreSQL counts the position in the PREPARE command; the statement starts after its prefix.
  const position = error.position ? Math.max(1, Number(error.position) - PREPARE.length) : 1;
  const location = await statementLocation(out, cwd, operation.name, statement, position);
  return {
    code: 'FRAISE_DRIFT',
    message: `Operation "${operation.name}" no longer fits the database: ${error.message} (statement ${statement.name}${error.code ? `, SQLSTATE ${error.code}` : ''}).`,
    hint:
      'The database changed since the compile (a dropped or renamed column or view, a changed type): migrate it, or update the schema and recompile.' +
      (error.hint ? ` PostgreSQL says: ${error.hint}` : ''),
    ...(location ? { location } : {}),
  };
}

/** The point in the generated module where PostgreSQL's error position falls. */
async function statementLocation(
  out: string,
  cwd: string,
  name: string,
  statement: { name: string; text: string },
  position: number,
): Promise<SourceLocation | undefined> {
  for (const ext of ['.ts', '.js']) {
    const file = path.join(out, `${name}${ext}`);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    // The module holds the text inside a template literal (backslashes doubled).
    const start = text.indexOf(templateEscape(statement.text));
    // Code points: PostgreSQL counts characters, JavaScript strings count UTF-16 units.
    const offset = start >= 0 ? start + templateEscape([...statement.text].slice(0, Math.max(0, position - 1)).join('')).length : text.indexOf(statement.name);
    if (offset < 0) continue;
    const lines = text.slice(0, offset).split('\n');
    const line = lines.length;
    return { file: displayPath(file, cwd), line, column: lines[line - 1]!.length + 1, lineText: text.split('\n')[line - 1] ?? '' };
  }
  return undefined;
}

