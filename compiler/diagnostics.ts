// Compile errors are values: every stage returns the ones it found instead of throwing on the
// first, so one run reports everything that is wrong, each with file:line:column and a caret.
import type { ASTNode, GraphQLError, Source } from 'graphql';
import { getLocation } from 'graphql';
import { defaultHint, type Severity } from './diagnosticCodes.js';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The text of the source line, for the caret display. */
  readonly lineText: string;
}

export interface Diagnostic {
  /** Stable code, e.g. FRAISE_UNKNOWN_VIEW (the catalogue is in docs/cli.md). */
  readonly code: string;
  /** Absent means error: a warning never fails a compile. */
  readonly severity?: Severity;
  readonly message: string;
  readonly hint?: string;
  readonly location?: SourceLocation;
}

/** Thrown only at the boundary (CLI / API) when a stage reported diagnostics. */
export class CompileFailure extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n\n'));
    this.name = 'CompileFailure';
    this.diagnostics = diagnostics;
  }
}

export function locationOf(source: Source, offset: number): SourceLocation {
  const { line, column } = getLocation(source, offset);
  const lineText = source.body.split(/\r\n|[\n\r]/g)[line - 1] ?? '';
  // A document found inside a code file (a tagged template) is placed where it starts in the file.
  const shift = line === 1 ? source.locationOffset.column - 1 : 0;
  return { file: source.name, line: line + source.locationOffset.line - 1, column: column + shift, lineText: ' '.repeat(shift) + lineText };
}

export function nodeLocation(node: ASTNode | undefined | null): SourceLocation | undefined {
  const loc = node?.loc;
  return loc ? locationOf(loc.source, loc.start) : undefined;
}

export function diagnostic(
  code: string,
  message: string,
  node?: ASTNode | null,
  hint?: string,
): Diagnostic {
  const location = nodeLocation(node);
  return { code, message, ...(hint ? { hint } : {}), ...(location ? { location } : {}) };
}

/** A graphql-js error; its trailing "Did you mean ...?" becomes the hint. */
export function fromGraphQLError(code: string, error: GraphQLError): Diagnostic {
  const node = error.nodes?.[0];
  const source = error.source ?? node?.loc?.source;
  const offset = error.positions?.[0] ?? node?.loc?.start;
  const location = source && offset !== undefined ? locationOf(source, offset) : undefined;
  const suggestion = / (Did you mean [^]*\?)$/.exec(error.message);
  const message = suggestion ? error.message.slice(0, suggestion.index) : error.message;
  return { code, message, ...(suggestion ? { hint: suggestion[1]! } : {}), ...(location ? { location } : {}) };
}

export function warning(code: string, message: string, node?: ASTNode | null, hint?: string): Diagnostic {
  return { ...diagnostic(code, message, node, hint), severity: 'warning' };
}

export const isError = (d: Diagnostic): boolean => (d.severity ?? 'error') === 'error';

/** `file:line:column: error CODE: message`, then the source line with a caret, then the hint. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column}: ` : '';
  const lines = [`${where}${d.severity ?? 'error'} ${d.code}: ${d.message}`];
  if (d.location) {
    const gutter = `${d.location.line} | `;
    lines.push(gutter + d.location.lineText);
    lines.push(' '.repeat(gutter.length + d.location.column - 1) + '^');
  }
  const hint = d.hint ?? defaultHint(d.code);
  if (hint) lines.push(`hint: ${hint}`);
  return lines.join('\n');
}

/** The JSON form (`--format json`): one flat object per diagnostic, for editors and CI annotations. */
export function diagnosticJson(d: Diagnostic): Record<string, string | number | null> {
  return {
    severity: d.severity ?? 'error',
    code: d.code,
    message: d.message,
    hint: d.hint ?? defaultHint(d.code) ?? null,
    file: d.location?.file ?? null,
    line: d.location?.line ?? null,
    column: d.location?.column ?? null,
  };
}

/** Levenshtein-based suggestion, for "did you mean" hints. */
export function didYouMean(input: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const option of options) {
    const d = editDistance(input.toLowerCase(), option.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = option;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
