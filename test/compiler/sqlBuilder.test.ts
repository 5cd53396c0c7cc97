// The typed SQL builder (compiler/sql/builder.ts): each node kind renders to the runtime's pieces
// exactly as written out here by hand, and the pieces expand (runtime expandPieces) to the text
// PostgreSQL receives, parameters numbered in text order.
import { describe, expect, it } from 'vitest';
import { expandPieces } from '../../runtime/statementShapes.js';
import { empty, ident, join, literal, optional, param, raw, renderPieces, renderText, slot, sql } from '../../compiler/sql/builder.js';

describe('the SQL builder', () => {
  it('renders text as written and merges neighbouring text into one piece', () => {
    expect(renderPieces(raw('SELECT 1'))).toEqual(['SELECT 1']);
    expect(renderPieces(sql`SELECT ${raw('1')}, ${raw('2')}`)).toEqual(['SELECT 1, 2']);
    expect(renderPieces(empty)).toEqual([]);
    expect(renderPieces(sql`${empty}x${empty}`)).toEqual(['x']);
  });

  it('quotes an identifier once, doubling a quote inside it', () => {
    expect(renderText(ident('v_post'))).toBe('"v_post"');
    expect(renderText(ident('we"ird'))).toBe('"we""ird"');
    expect(renderText(ident('Mixed Case'))).toBe('"Mixed Case"');
    expect(renderText(sql`${raw('t0')}.${ident('a"b')}`)).toBe('t0."a""b"');
    expect(() => renderText(ident('a\u0001b'))).toThrow(/control character/);
  });

  it('writes literals typed: strings quoted, non-negative integers as digits, other numbers quoted, booleans as words', () => {
    expect(renderText(literal('title'))).toBe(`'title'`);
    expect(renderText(literal("it's", 'text'))).toBe(`'it''s'::text`);
    expect(renderText(literal('PUBLISHED', 'text'))).toBe(`'PUBLISHED'::text`);
    expect(renderText(literal(20, 'integer'))).toBe('20::integer');
    expect(renderText(literal(0, 'integer'))).toBe('0::integer');
    expect(renderText(literal(-3, 'integer'))).toBe(`'-3'::integer`);
    expect(renderText(literal(1.5, 'double precision'))).toBe(`'1.5'::double precision`);
    expect(renderText(literal(true, 'boolean'))).toBe('TRUE::boolean');
    expect(renderText(literal(false))).toBe('FALSE');
    expect(() => renderText(literal(Number.POSITIVE_INFINITY, 'float8'))).toThrow(/not a finite number/);
    expect(() => renderText(literal(Number.NaN))).toThrow(/not a finite number/);
  });

  it('renders a parameter as its index and cast, numbered $1, $2, ... in text order when expanded', () => {
    const a = param(3, 'uuid');
    const b = param(0, 'integer');
    const statement = sql`SELECT 1 WHERE x = ${a} AND y < ${b} AND z = ${a}`;
    expect(renderPieces(statement)).toEqual(['SELECT 1 WHERE x = ', { param: 3 }, '::uuid AND y < ', { param: 0 }, '::integer AND z = ', { param: 3 }, '::uuid']);
    expect(expandPieces(renderPieces(statement), 0)).toEqual({
      text: 'SELECT 1 WHERE x = $1::uuid AND y < $2::integer AND z = $3::uuid',
      params: [3, 0, 3],
    });
  });

  it('renders an optional part as its bit and nested pieces; absent it reads TRUE', () => {
    const statement = sql`SELECT 1 WHERE ${optional(1, sql`a = ${param(0, 'text')}`)} AND ${optional(0, sql`b = ${param(1, 'integer')}`)} LIMIT ${param(2, 'integer')}`;
    expect(renderPieces(statement)).toEqual([
      'SELECT 1 WHERE ',
      { when: 1, then: ['a = ', { param: 0 }, '::text'] },
      ' AND ',
      { when: 0, then: ['b = ', { param: 1 }, '::integer'] },
      ' LIMIT ',
      { param: 2 },
      '::integer',
    ]);
    expect(expandPieces(renderPieces(statement), 0b00)).toEqual({ text: 'SELECT 1 WHERE TRUE AND TRUE LIMIT $1::integer', params: [2] });
    expect(expandPieces(renderPieces(statement), 0b10)).toEqual({ text: 'SELECT 1 WHERE a = $1::text AND TRUE LIMIT $2::integer', params: [0, 2] });
    expect(expandPieces(renderPieces(statement), 0b11)).toEqual({ text: 'SELECT 1 WHERE a = $1::text AND b = $2::integer LIMIT $3::integer', params: [0, 1, 2] });
  });

  it('renders a slot as its index, filled with the dynamic fragment (its parameters first) or TRUE', () => {
    const statement = sql`SELECT 1 WHERE ${slot(0)} AND y = ${param(0, 'integer')} ORDER BY ${slot(1)}`;
    expect(renderPieces(statement)).toEqual(['SELECT 1 WHERE ', { slot: 0 }, ' AND y = ', { param: 0 }, '::integer ORDER BY ', { slot: 1 }]);
    expect(expandPieces(renderPieces(statement), 0, ['x = $1::text', 'x DESC'], 1)).toEqual({
      text: 'SELECT 1 WHERE x = $1::text AND y = $2::integer ORDER BY x DESC',
      params: [0],
    });
    expect(expandPieces(renderPieces(statement), 0).text).toBe('SELECT 1 WHERE TRUE AND y = $1::integer ORDER BY TRUE');
  });

  it('joins nodes with a separator, and nothing for an empty list', () => {
    expect(renderText(join([ident('a'), ident('b'), ident('c')], ', '))).toBe('"a", "b", "c"');
    expect(renderText(join([ident('a')], ', '))).toBe('"a"');
    expect(renderPieces(join([], ', '))).toEqual([]);
    expect(renderPieces(join([param(0, 'int'), param(1, 'int')], ' AND '))).toEqual([{ param: 0 }, '::int AND ', { param: 1 }, '::int']);
  });

  it('refuses parameters, optional parts and slots where plain text is required', () => {
    expect(() => renderText(sql`x = ${param(0, 'text')}`)).toThrow(/plain text is required/);
    expect(() => renderText(optional(0, raw('a')))).toThrow(/plain text is required/);
    expect(() => renderText(slot(0))).toThrow(/plain text is required/);
  });

  it('builds immutable nodes and frozen pieces', () => {
    const node = sql`a ${ident('b')}`;
    expect(Object.isFrozen(node)).toBe(true);
    expect(Object.isFrozen(ident('b'))).toBe(true);
    const pieces = renderPieces(sql`x ${optional(0, raw('y'))}`);
    expect(Object.isFrozen(pieces)).toBe(true);
    expect(Object.isFrozen((pieces[1] as { then: unknown }).then)).toBe(true);
  });
});
