// Statements whose text depends on the request: optional filters (left out, reading TRUE, when
// their variable is omitted) and dynamic parts built from whole variables. A module lists them as
// templates of pieces; each shape is expanded once, cached (bounded), and prepared under its own
// name, so PostgreSQL plans each shape once per connection.
import { Lru } from './lru.js';
import type { CompiledStatement } from './types.js';

/**
 * A piece of a statement: SQL text, a bind parameter (an index into the operation's values), a
 * filter on an optional variable (bit `when` of the shape number), or a dynamic part (`slot`).
 */
export type SqlPiece =
  | string
  | { readonly param: number }
  | { readonly when: number; readonly then: readonly SqlPiece[] }
  | { readonly slot: number };

export interface StatementTemplate {
  /** Prefix of the names of its shapes (a hash of the pieces). */
  readonly name: string;
  readonly pieces: readonly SqlPiece[];
}

/** One shape: the statement, and which of the operation's values bind its parameters, in order. */
export interface StatementShape {
  readonly statement: CompiledStatement;
  readonly params: readonly number[];
}

/**
 * The text of a template for one assignment of the optional bits and one set of dynamic
 * fragments, and its parameter order. Static parameters are numbered after the `offset` parameters
 * of the fragments; an absent optional part and a missing fragment read TRUE.
 */
export function expandPieces(pieces: readonly SqlPiece[], bits: number, fragments: readonly string[] = [], offset = 0): { text: string; params: number[] } {
  let text = '';
  const params: number[] = [];
  const walk = (list: readonly SqlPiece[]): void => {
    for (const piece of list) {
      if (typeof piece === 'string') text += piece;
      else if ('param' in piece) {
        params.push(piece.param);
        text += `$${offset + params.length}`;
      } else if ('slot' in piece) text += fragments[piece.slot] ?? 'TRUE';
      else if (bits & (1 << piece.when)) walk(piece.then);
      else text += 'TRUE';
    }
  };
  walk(pieces);
  return { text, params };
}

/** Shapes kept per module; varied whole-variable requests cannot grow the cache beyond it. */
export const MAX_SHAPES = 1000;

/** 64 bits of two FNV-1a style hashes: names the statement of a dynamic shape (a clash is detected, not served). */
export function shapeHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/**
 * A module's `shapeOf(template, present, fragments, offset)`: the shape of one template for the
 * bits of its present optional filters and its dynamic fragments, cached most recently used last.
 * Named `<template>_<bits in hex>`, plus `_<hash>` of the fragments when there are any.
 */
export function shapeCache(
  templates: readonly StatementTemplate[],
  max = MAX_SHAPES,
): (template: number, present: number, fragments?: readonly string[], offset?: number) => StatementShape {
  const shapes = new Lru<string, StatementShape>(max);
  return (template, present, fragments = [], offset = 0) => {
    const key = `${template}:${present}:${fragments.join('\u0000')}`;
    const cached = shapes.get(key);
    if (cached) return cached;
    const { name, pieces } = templates[template]!;
    const { text, params } = expandPieces(pieces, present, fragments, offset);
    const suffix = fragments.length > 0 ? `_${shapeHash(key)}` : '';
    const shape = { statement: { name: `${name}_${present.toString(16)}${suffix}`, text }, params };
    shapes.set(key, shape);
    return shape;
  };
}
