// One compile from a project's configuration and how its outcome is printed: what a single
// `fraise-compile` run and each rebuild of --watch share (so neither imports the other).
import { compileProject, type CompileResult } from '../compile.js';
import type { CompileCache } from '../compileCache.js';
import type { ProjectConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics.js';
import type { DocumentFigures } from '../limits/documentFigures.js';
import type { DatabaseMetadata } from '../metadata/types.js';
import { countText, displayPath, type OutputFormat, printDiagnostics, printJson, type Streams } from './report.js';

export function compileWith(config: ProjectConfig, metadata: DatabaseMetadata, cwd: string, cache?: CompileCache): Promise<CompileResult> {
  return compileProject({
    ...(cache ? { cache } : {}),
    schema: config.schema,
    operations: config.operations,
    cwd,
    metadata,
    naming: config.naming,
    scalars: config.scalars,
    output: config.output,
    ...(config.maxPageSize !== undefined ? { maxPageSize: config.maxPageSize } : {}),
    introspection: config.introspection,
  });
}

export function reportFailure(io: Streams, format: OutputFormat, diagnostics: readonly Diagnostic[]): number {
  if (format === 'json') printJson(io, false, diagnostics);
  else {
    printDiagnostics(io, diagnostics);
    io.stderr.write(`fraise-compile: ${countText(diagnostics)}; nothing was written.\n`);
  }
  return 1;
}

export function reportSuccess(
  io: Streams,
  format: OutputFormat,
  config: ProjectConfig,
  result: Extract<CompileResult, { ok: true }>,
  cwd: string,
  ms: number,
  written: readonly string[] | undefined,
  /** --report: the figures of each operation (a table, or `figures` in the JSON). */
  report = false,
  /** --advise: the advice (FRAISE_DATA_BUILT) too, reported as warnings. */
  advise = false,
): void {
  const out = displayPath(config.out!, cwd);
  const warnings = [...result.warnings, ...(advise ? result.advice : [])].filter((w) => !config.ignoreWarnings.includes(w.code));
  if (format === 'json') {
    printJson(io, true, warnings, { out, operations: result.operations, ms, ...(written ? { written } : {}), ...(report ? { figures: jsonFigures(result.figures) } : {}) });
    return;
  }
  printDiagnostics(io, warnings);
  const warned = warnings.length > 0 ? ` (${warnings.length} warning(s))` : '';
  const changed = written ? `, ${written.length} file(s) changed` : '';
  io.stdout.write(`fraise-compile: ${result.operations.length} operation(s) compiled to ${out} in ${ms} ms${changed}${warned}\n`);
  if (report) io.stdout.write(figuresTable(result.figures));
}

/** The --report table: one line per operation, in name order. */
export function figuresTable(figures: Readonly<Record<string, DocumentFigures>>): string {
  const rows = Object.keys(figures)
    .sort()
    .map((name) => {
      const f = figures[name]!;
      return [name, String(f.depth), String(f.aliases), String(f.rootFields), Number.isFinite(f.estimatedRows) ? String(f.estimatedRows) : 'unbounded'];
    });
  const header = ['operation', 'depth', 'aliases', 'root fields', 'estimated rows'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function jsonFigures(figures: Readonly<Record<string, DocumentFigures>>): Record<string, Record<string, number | null>> {
  return Object.fromEntries(Object.entries(figures).map(([name, f]) => [name, { ...f, estimatedRows: Number.isFinite(f.estimatedRows) ? f.estimatedRows : null }]));
}
