// Writes the JSON text of a list element from its row's columns (ResultShape `fields`), for the
// lists the compiler chose because PostgreSQL spends most of its CPU building their JSON (see
// docs/architecture.md, "Who writes the JSON"). The element is written as text: no row object,
// no JSON.parse. A string's JSON is JSON.stringify's, which writes exactly PostgreSQL's escapes
// (checked against PostgreSQL for every ASCII character, U+2028 and astral characters).
import { NULL_MARK_TEXT } from './nonNull.js';
import type { RowField } from './types.js';

/** The JSON text of one element from its row's fields (text format; null for SQL NULL). */
export type RowWriter = (values: readonly unknown[]) => string;

/** The JSON of a column's text output, by RowField kind; SQL NULL is handled by the caller. */
export function jsonOfText(kind: 'string' | 'number' | 'boolean', text: string): string {
  switch (kind) {
    case 'string':
      return JSON.stringify(text);
    case 'number':
      // int2/int4 print as JSON numbers already ("-12")
      return text;
    case 'boolean':
      return text === 't' ? 'true' : 'false';
  }
}

interface Column {
  /** `{"key":` or `,"key":`, with the constants before it. */
  readonly prefix: string;
  readonly kind: 'string' | 'number' | 'boolean';
  /** What SQL NULL writes: `null`, or NULL_MARK in a non-null position. */
  readonly nullText: string;
}

const writers = new WeakMap<readonly RowField[], RowWriter>();

/** The writer of a shape's fields, built once per shape. */
export function rowWriterOf(fields: readonly RowField[]): RowWriter {
  let writer = writers.get(fields);
  if (writer === undefined) {
    writer = buildWriter(fields);
    writers.set(fields, writer);
  }
  return writer;
}

function buildWriter(fields: readonly RowField[]): RowWriter {
  const columns: Column[] = [];
  let pending = '';
  fields.forEach((field, i) => {
    pending += `${i === 0 ? '{' : ','}${JSON.stringify(field.key)}:`;
    if (field.kind === 'constant') {
      pending += field.json;
      return;
    }
    columns.push({ prefix: pending, kind: field.kind, nullText: field.nonNull ? NULL_MARK_TEXT : 'null' });
    pending = '';
  });
  const tail = `${fields.length === 0 ? '{' : pending}}`;
  return (values) => {
    let out = '';
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const value = values[i];
      out += column.prefix + (typeof value === 'string' ? jsonOfText(column.kind, value) : column.nullText);
    }
    return out + tail;
  };
}
