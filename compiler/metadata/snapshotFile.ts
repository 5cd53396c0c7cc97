// Reads a metadata snapshot written by `fraise-compile introspect`, checking its shape so that a
// hand-edited or foreign file gives a diagnostic (with its position) instead of a crash later.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, SourceLocation } from '../diagnostics.js';
import { normalizeMetadata } from './normalize.js';
import { METADATA_FORMAT, METADATA_VERSION, type DatabaseMetadata } from './types.js';

const LISTS = ['searchPath', 'relations', 'functions', 'enums', 'indexes'] as const;

export async function readMetadataFile(file: string, cwd = process.cwd()): Promise<DatabaseMetadata | { diagnostics: Diagnostic[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return bad(`Cannot read the metadata snapshot "${path.relative(cwd, file)}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      'Write one with: fraise-compile introspect --database-url URL --out ' + path.relative(cwd, file));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    return bad(`The metadata snapshot is not valid JSON: ${message}`, 'Regenerate it with fraise-compile introspect.',
      locate(file, cwd, text, position === undefined ? 0 : Number(position)));
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (record['format'] !== METADATA_FORMAT || record['version'] !== METADATA_VERSION) {
    return bad(`"${path.relative(cwd, file)}" is not a version ${METADATA_VERSION} Fraise metadata snapshot (format "${METADATA_FORMAT}").`,
      'Regenerate it with the same fraise-compile version: fraise-compile introspect --database-url URL --out ' + path.relative(cwd, file),
      locate(file, cwd, text, 0));
  }
  const missing = LISTS.filter((key) => !Array.isArray(record[key]));
  if (missing.length > 0) {
    return bad(`The metadata snapshot "${path.relative(cwd, file)}" lacks ${missing.join(', ')}.`, 'Regenerate it with fraise-compile introspect.',
      locate(file, cwd, text, 0));
  }
  // A snapshot written before function signatures carried what mutations check (kind, defaults,
  // return type) would compile mutations wrongly: ask for a fresh one instead.
  const functions = record['functions'] as unknown[];
  if (functions.some((f) => typeof f !== 'object' || f === null || !Array.isArray((f as Record<string, unknown>)['returnFields']) ||
    !Array.isArray((f as Record<string, unknown>)['arguments']))) {
    return bad(`The metadata snapshot "${path.relative(cwd, file)}" lacks function signature details (kind, argument defaults, return type).`,
      'Regenerate it with fraise-compile introspect.', locate(file, cwd, text, 0));
  }
  return normalizeMetadata(value as DatabaseMetadata);
}

function locate(absolute: string, cwd: string, text: string, offset: number): SourceLocation {
  const relative = path.relative(cwd, absolute);
  const file = relative.startsWith('..') ? absolute : relative;
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  return { file, line, column: before[before.length - 1]!.length + 1, lineText: text.split('\n')[line - 1] ?? '' };
}

function bad(message: string, hint: string, location?: SourceLocation): { diagnostics: Diagnostic[] } {
  return { diagnostics: [{ code: 'FRAISE_BAD_METADATA', message, hint, ...(location ? { location } : {}) }] };
}
