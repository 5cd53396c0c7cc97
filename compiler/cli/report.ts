// How commands print: diagnostics as text (file:line:column, caret, hint) on stderr, or with
// --format json one JSON object per run on stdout (one line each, so watch mode gives NDJSON).
import path from 'node:path';
import { type Diagnostic, diagnosticJson, formatDiagnostic, isError } from '../diagnostics.js';

export type OutputFormat = 'text' | 'json';

export interface Streams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export function counts(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  const errors = diagnostics.filter(isError).length;
  return { errors, warnings: diagnostics.length - errors };
}

/** `1 error(s)`, `1 error(s), 2 warning(s)`. */
export function countText(diagnostics: readonly Diagnostic[]): string {
  const { errors, warnings } = counts(diagnostics);
  return warnings > 0 ? `${errors} error(s), ${warnings} warning(s)` : `${errors} error(s)`;
}

export function printDiagnostics(io: Streams, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length > 0) io.stderr.write(`${diagnostics.map(formatDiagnostic).join('\n\n')}\n\n`);
}

export function printJson(io: Streams, ok: boolean, diagnostics: readonly Diagnostic[], extra: Record<string, unknown> = {}): void {
  io.stdout.write(`${JSON.stringify({ ok, ...counts(diagnostics), diagnostics: diagnostics.map(diagnosticJson), ...extra })}\n`);
}

/** A path as a command prints it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : relative.startsWith('..') ? file : relative;
}
