// The JSON text around streamed rows. Rows are JSON text from PostgreSQL and are copied into the
// response as they are; only these frames are built here.
import type { GraphQLResponseError, ResultShape } from './types.js';

export interface Frames {
  /** Written before the first row. */
  readonly open: string;
  /** Written after the last row. */
  readonly close: string;
}

export function framesFor(shape: ResultShape): Frames {
  switch (shape.kind) {
    case 'list':
      return { open: `{"data":{${JSON.stringify(shape.key)}:[`, close: ']}}' };
    case 'object':
      return { open: `{"data":{${JSON.stringify(shape.key)}:`, close: '}}' };
    case 'data':
      return { open: '{"data":', close: '}' };
  }
}

const framesByShape = new WeakMap<ResultShape, Frames>();

/** framesFor the operation's shape, built once per operation. */
export function framesOf(op: { readonly shape: ResultShape }): Frames {
  let frames = framesByShape.get(op.shape);
  if (frames === undefined) {
    frames = framesFor(op.shape);
    framesByShape.set(op.shape, frames);
  }
  return frames;
}

/** The close frame, with the response's `errors` after `data` when there are any. */
export function closeWithErrors(frames: Frames, errors: readonly GraphQLResponseError[]): string {
  if (errors.length === 0) return frames.close;
  return `${frames.close.slice(0, -1)},"errors":${JSON.stringify(errors)}}`;
}

/** A row as JSON text: SQL NULL is JSON null. */
export function rowText(row: string | null): string {
  return row ?? 'null';
}

/** Rows joined as JSON array elements. */
export function joinRows(rows: readonly (string | null)[]): string {
  return rows.map(rowText).join(',');
}

/**
 * A whole error response. `data: null` once execution began (database errors), no `data` when the
 * request never ran (variable errors), as the GraphQL specification distinguishes.
 */
export function errorsBody(errors: readonly GraphQLResponseError[], executed: boolean): string {
  return JSON.stringify(executed ? { data: null, errors } : { errors });
}
