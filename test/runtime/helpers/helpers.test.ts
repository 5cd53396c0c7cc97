// The runtime helpers generated modules import: each tested alone, with expected values written
// out by hand.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID, coerceDateTime, coerceID, coerceInt, coerceList, coerceString, coerceUUID, enumCoercer, hasNul, isUuid, show } from '../../../runtime/coerce.js';
import { likeContains, likeEndsWith, likeStartsWith } from '../../../runtime/filters/likePattern.js';
import { newBuilder } from '../../../runtime/filters/builder.js';
import { encodeOperand, filterField, filterInput } from '../../../runtime/filters/fieldFilter.js';
import { columnTarget, pathTarget } from '../../../runtime/filters/targets.js';
import { Lru } from '../../../runtime/lru.js';
import { decodeCursor, paging } from '../../../runtime/paging.js';
import { expandPieces, shapeCache, type SqlPiece } from '../../../runtime/statementShapes.js';
import { checkVariables, type VariablePlan } from '../../../runtime/variables.js';

const base64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

describe('coercion', () => {
  it('has one strict UUID check', () => {
    expect(isUuid('0b4e7a3c-9f1d-4c2a-8e6b-5d3f2a1c0e9f')).toBe(true);
    expect(isUuid('0B4E7A3C-9F1D-4C2A-8E6B-5D3F2A1C0E9F')).toBe(true);
    expect(isUuid('-'.repeat(36))).toBe(false);
    expect(isUuid('0b4e7a3c9f1d4c2a8e6b5d3f2a1c0e9f0000')).toBe(false);
    expect(isUuid(' 0b4e7a3c-9f1d-4c2a-8e6b-5d3f2a1c0e9f')).toBe(false);
    expect(coerceUUID('nope')).toBe(INVALID);
  });

  it('checks scalars, lists and enums as GraphQL input coercion does', () => {
    expect(coerceInt(2147483647)).toBe(2147483647);
    expect(coerceInt(2147483648)).toBe(INVALID);
    expect(coerceInt(1.5)).toBe(INVALID);
    expect(coerceID(7)).toBe('7');
    expect(coerceDateTime('2024-01-02T03:04:05Z')).toBe('2024-01-02T03:04:05Z');
    expect(coerceDateTime('2024-13-02T03:04:05Z')).toBe(INVALID);
    expect(coerceList(3, coerceInt)).toEqual([3]);
    expect(coerceList([1, null], coerceInt)).toEqual([1, null]);
    expect(coerceList([1, null], coerceInt, false)).toBe(INVALID);
    const color = enumCoercer(['RED', 'GREEN']);
    expect(color('RED')).toBe('RED');
    expect(color('red')).toBe(INVALID);
    expect(color('constructor')).toBe(INVALID);
  });
});

describe('show (values quoted in error messages)', () => {
  /** n arrays, each the only item of the one around it, innermost empty; built without recursion. */
  const nestedArrays = (n: number): unknown[] => {
    let value: unknown[] = [];
    for (let i = 1; i < n; i++) value = [value];
    return value;
  };

  it('writes JSON as JSON.stringify does, up to 200 characters', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        const json = JSON.stringify(value);
        expect(show(value)).toBe(json.length > 200 ? `${json.slice(0, 200)}…` : json);
      }),
      { numRuns: 500 },
    );
    expect(show({ a: [1, 'x', null, true], b: { c: -0.5 } })).toBe('{"a":[1,"x",null,true],"b":{"c":-0.5}}');
  });

  it('is bounded in depth: a 100,000-deep value is cut at 20 levels, without recursing further', () => {
    expect(show(nestedArrays(100_000))).toBe(`${'['.repeat(20)}[…]${']'.repeat(20)}`);
    let object: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) object = { a: object };
    expect(show(object)).toBe(`${'{"a":'.repeat(20)}{…}${'}'.repeat(20)}`);
    // The message a variable gets, when nothing refused the value before coercion.
    const checked = checkVariables({ title: nestedArrays(100_000) }, [{ name: 'title', type: 'String', coerce: coerceString }]);
    expect(!checked.ok && checked.errors.map((e) => e.message)).toEqual([
      `Variable "$title" got invalid value ${'['.repeat(20)}[…]${']'.repeat(20)}; expected type "String".`,
    ]);
  });

  it('is bounded in length: 200 characters, then …', () => {
    expect(show('x'.repeat(1_000_000))).toBe(`"${'x'.repeat(199)}…`);
    expect(show(new Array<number>(1_000_000).fill(7))).toBe(`[${'7,'.repeat(99)}7…`); // 200 characters of JSON
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(show(wide)).toBe(`{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`.slice(0, 200) + '…');
  });

  it('writes what JSON.stringify cannot as something readable', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic['self'] = cyclic;
    expect(show(cyclic)).toBe('{"id":1,"self":[Circular]}');
    expect(show([undefined, () => 1, Symbol('s')])).toBe('[null,null,null]');
    expect(show({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(show(undefined)).toBe('undefined');
    expect(show(10n)).toBe('10');
    expect(show({ n: 10n })).toBe('{"n":10}');
    expect(show(new Date(Date.UTC(2024, 0, 2)))).toBe('"2024-01-02T00:00:00.000Z"');
    expect(show({ get boom(): never { throw new Error('no'); } })).toBe('[object Object]');
    expect(show(Object.create(null))).toBe('{}');
  });

  it('finds NUL at any depth of arrays, a cyclic array included', () => {
    const deep = nestedArrays(100_000);
    expect(hasNul(deep)).toBe(false);
    let withNul: unknown = ['a\u0000'];
    for (let i = 0; i < 100_000; i++) withNul = [withNul];
    expect(hasNul(withNul)).toBe(true);
    const cyclic: unknown[] = ['a'];
    cyclic.push(cyclic);
    expect(hasNul(cyclic)).toBe(false);
    expect([hasNul('x\u0000'), hasNul('x'), hasNul(5)]).toEqual([true, false, false]);
  });

  it('escapes LIKE wildcards so the value matches literally', () => {
    expect(likeContains('100%_\\')).toBe('%100\\%\\_\\\\%');
    expect(likeStartsWith('a_')).toBe('a\\_%');
    expect(likeEndsWith('%')).toBe('%\\%');
    expect(likeContains(5)).toBe(5);
  });
});

describe('whole-variable field filters', () => {
  const views = pathTarget('t."data"', "'views'", 'integer');
  const ints = filterInput('Int', 'Int', coerceInt);

  it('builds the SQL of each operator with bind parameters, ANDed', () => {
    const b = newBuilder();
    expect(filterField({ gte: 3, in: [1, 2], isnull: false }, 'where.views', views, ints, b)).toBe(
      `((t."data"->>'views')::integer >= $1::integer AND (t."data"->>'views')::integer = ANY($2::integer[]) AND (t."data"->>'views') IS NOT NULL)`,
    );
    expect(b.params).toEqual([3, [1, 2]]);
    expect(b.errors).toEqual([]);
  });

  it('reports a bad value, a null operator, an unknown operator and a non-UUID by path', () => {
    const b = newBuilder();
    filterField({ eq: 'x', lt: null, near: 3, isnull: null }, 'where.views', views, ints, b);
    const id = filterInput('ID', 'ID', coerceID);
    filterField({ eq: 'not-a-uuid' }, 'f', columnTarget('t."id"', 'uuid'), id, b);
    expect(b.errors.map((e) => e.message)).toEqual([
      'Variable "$where" got invalid value "x" at "where.views.eq"; expected type "Int".',
      'Variable "$where" got invalid value null at "where.views.lt"; operator "lt" cannot be null; omit it to leave it out, or use isnull.',
      'Variable "$where" got invalid value 3 at "where.views.near"; "near" is not an operator of IntFilter.',
      'Variable "$f" got invalid value "not-a-uuid" at "f.eq"; it is compared with a uuid column, so it must be a UUID.',
    ]);
    expect(b.params).toEqual([]);
  });

  it('escapes LIKE values, bounds regular expressions and binds JSON as text', () => {
    const b = newBuilder();
    const text = filterInput('String', 'String', (v) => (typeof v === 'string' ? v : INVALID));
    const title = pathTarget('t."data"', "'title'", 'text');
    expect(filterField({ icontains: '5%' }, 'w', title, text, b)).toBe(`(t."data"->>'title') ILIKE $1::text`);
    filterField({ matches: 'x'.repeat(1001) }, 'w', title, text, b);
    expect(b.params).toEqual(['%5\\%%']);
    expect(b.errors.map((e) => e.message)).toEqual(['Variable "$w" got invalid value "..." at "w.matches"; a regular expression may have at most 1000 characters.']);
    expect(encodeOperand('json', [1, { a: 2 }], 'jsonb')).toBe('[1,{"a":2}]');
    expect(encodeOperand('json', [1, { a: 2 }], 'jsonb[]')).toEqual(['1', '{"a":2}']);
  });
});

describe('variables', () => {
  const plans: VariablePlan[] = [
    { name: 'id', type: 'ID!', coerce: coerceID, required: true, uuid: true, text: true },
    { name: 'limit', type: 'Int', coerce: coerceInt, default: 10, max: 50, nonNegative: true },
    { name: 'title', type: 'String', coerce: (v) => (typeof v === 'string' ? v : INVALID), nullRefused: true, text: true },
  ];

  it('applies defaults and gives the coerced values', () => {
    expect(checkVariables({ id: '0b4e7a3c-9f1d-4c2a-8e6b-5d3f2a1c0e9f' }, plans)).toEqual({
      ok: true,
      values: { id: '0b4e7a3c-9f1d-4c2a-8e6b-5d3f2a1c0e9f', limit: 10, title: undefined },
    });
  });

  it('reports every problem, in declaration order', () => {
    const result = checkVariables({ limit: 51, title: null }, plans);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.message)).toEqual([
      'Variable "$id" of required type "ID!" was not provided.',
      'Variable "$limit" is larger than the maximum page size, 50.',
      'Variable "$title" is null, but it is the value of a filter operator; omit it to leave the filter out, or use isnull.',
    ]);
    const more = checkVariables({ id: 'x\u0000', limit: -1, constructor: 1 }, plans);
    expect(!more.ok && more.errors.map((e) => e.message)).toEqual([
      'Variable "$id" got invalid value "x\\u0000"; it is compared with a uuid column, so it must be a UUID.',
      'Variable "$id" contains the NUL character (U+0000), which PostgreSQL text cannot hold.',
      'Variable "$limit" must not be negative.',
    ]);
  });
});

describe('paging', () => {
  it('decodes cursors of the key types, strictly', () => {
    const id = '0b4e7a3c-9f1d-4c2a-8e6b-5d3f2a1c0e9f';
    expect(decodeCursor(base64([3, id]), ['integer', 'uuid'])).toEqual([3, id]);
    expect(decodeCursor(base64([3, '-'.repeat(36)]), ['integer', 'uuid'])).toBeNull();
    expect(decodeCursor(base64([3]), ['integer', 'uuid'])).toBeNull();
    expect(decodeCursor('not base64!', ['integer'])).toBeNull();
  });

  it('gives the page size, the rows to fetch and the direction, or what is wrong', () => {
    const names = ['first', 'last', 'after', 'before'] as const;
    expect(paging(2, null, null, null, ['uuid'], names, 10)).toEqual({ size: 2, fetch: 3, back: false, after: null, before: null });
    expect(paging(null, null, null, null, ['uuid'], names, 10)).toEqual({ size: 10, fetch: 11, back: false, after: null, before: null });
    expect(paging(1, 1, null, null, ['uuid'], names, null)).toBe('Give "first" or "last", not both.');
    expect(paging(11, null, null, null, ['uuid'], names, 10)).toBe('"first" is larger than the maximum page size, 10.');
    expect(paging(null, 2, 'x', null, ['uuid'], names, null)).toBe('"after" is not a cursor of this connection.');
  });
});

describe('statement shapes', () => {
  const pieces: SqlPiece[] = ['SELECT 1 WHERE ', { when: 0, then: ['a = ', { param: 0 }] }, ' AND ', { slot: 0 }, ' LIMIT ', { param: 1 }];

  it('expands optional parts and fragments, numbering parameters after the fragments', () => {
    expect(expandPieces(pieces, 1, ['b = $1'], 1)).toEqual({ text: 'SELECT 1 WHERE a = $2 AND b = $1 LIMIT $3', params: [0, 1] });
    expect(expandPieces(pieces, 0)).toEqual({ text: 'SELECT 1 WHERE TRUE AND TRUE LIMIT $1', params: [1] });
  });

  it('names and caches each shape, bounded', () => {
    const shapeOf = shapeCache([{ name: 'fraise_t', pieces }], 2);
    const a = shapeOf(0, 1);
    expect(a.statement.name).toBe('fraise_t_1');
    expect(shapeOf(0, 1)).toBe(a);
    const withFragment = shapeOf(0, 0, ['b = $1'], 1);
    expect(withFragment.statement.name).toMatch(/^fraise_t_0_[0-9a-f]{16}$/);
    expect(shapeOf(0, 0, ['b = $1'], 1)).toBe(withFragment);
    shapeOf(0, 0); // a third shape evicts the least recently used (0:1)
    expect(shapeOf(0, 1)).not.toBe(a);
  });
});

describe('Lru', () => {
  it('evicts the least recently used entry beyond its maximum', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    expect(lru.set('c', 3)).toEqual([['b', 2]]);
    expect([...lru.keys()]).toEqual(['a', 'c']);
    expect(() => new Lru(0)).toThrow(RangeError);
  });

  it('touches a key without its value, and takes a new maximum at the next set', () => {
    const lru = new Lru<string, number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    expect([lru.touch('a'), lru.touch('z')]).toEqual([true, false]);
    expect([...lru.keys()]).toEqual(['b', 'c', 'a']);
    lru.max = 2;
    expect(lru.set('d', 4)).toEqual([['b', 2], ['c', 3]]);
    expect([...lru.keys()]).toEqual(['a', 'd']);
    expect(lru.get('a')).toBe(1);
    expect(() => {
      lru.max = 0;
    }).toThrow(RangeError);
  });

  it('keeps the order when the most recently used key is touched again, deleted or set anew', () => {
    const lru = new Lru<string, number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    expect([lru.touch('b'), lru.touch('b')]).toEqual([true, true]);
    expect([...lru.keys()]).toEqual(['a', 'b']);
    expect(lru.delete('b')).toBe(true);
    expect([lru.touch('b'), lru.has('b'), lru.size]).toEqual([false, false, 1]);
    lru.set('c', 3);
    lru.set('c', 30);
    expect(lru.peek('c')).toBe(30);
    expect(lru.touch('a')).toBe(true);
    expect([...lru.keys()]).toEqual(['c', 'a']);
    lru.set('b', 2);
    lru.set('d', 4);
    expect([...lru.keys()]).toEqual(['a', 'b', 'd']);
    expect(lru.get('a')).toBe(1);
    expect([...lru.keys()]).toEqual(['b', 'd', 'a']);
  });

  it('peeks without making the entry the most recently used', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.peek('a')).toBe(1);
    expect(lru.peek('z')).toBeUndefined();
    expect(lru.set('c', 3)).toEqual([['a', 1]]);
    expect([...lru.keys()]).toEqual(['b', 'c']);
  });
});
