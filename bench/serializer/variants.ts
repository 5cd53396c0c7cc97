// Who writes the JSON of a list of plain scalar columns (issue 11, point 4): the three ways
// measured by `npm run bench:serializer` (bench/serializerChoice.ts), on the floor's two list shapes
// (bench/floor/shapes.ts list 100 and 10k rows: id uuid, title text, status text, views int,
// createdAt as ISO text, from the base table tb_post).
// - pg-json: PostgreSQL builds the whole response (json_agg of json_build_object): the floor's statement;
// - pg-row-json: PostgreSQL builds each row's object, JavaScript joins the rows (Fraise's list form);
// - js-writer: the statement returns the typed columns (text format) and a function specialised to
//   the shape writes the JSON text from each DataRow's fields (no row objects, no JSON.parse).
import { shapes } from '../floor/shapes.js';

export const VARIANTS = ['pg-json', 'pg-row-json', 'js-writer'] as const;
export type Variant = (typeof VARIANTS)[number];

/** The statement of a variant and how its rows become the response text. */
export interface Plan {
  readonly text: string;
  /**
   * A fresh writer for one response: `row` per DataRow, then `end` gives the rest of the response
   * text. A list hands every FLUSH_ROWS rows' text to `flush` (streamed, as Fraise streams batches).
   */
  readonly writer: (flush: (text: string) => void) => { row(fields: readonly (string | null)[]): void; end(): string };
}

export interface ListShape {
  readonly key: string;
  readonly name: string;
  readonly order: string;
  readonly limit: number;
  /** The floor's whole-response statement (pg-json). */
  readonly floorSql: string;
}

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function floorSqlOf(name: string): string {
  const shape = shapes.find((s) => s.name === name);
  if (shape === undefined) throw new Error(`no floor shape ${name}`);
  return shape.floorSql;
}

export const LIST_SHAPES: readonly ListShape[] = [
  { key: 'list100', name: 'list 100', order: 'p.created_at DESC, p.id', limit: 100, floorSql: floorSqlOf('list 100') },
  { key: 'rows10k', name: '10k rows', order: 'p.created_at, p.id', limit: 10_000, floorSql: floorSqlOf('10k rows') },
];

const OPEN = '{"data":{"posts":[';
/** Rows per streamed chunk (the runtime's default batch size). */
export const FLUSH_ROWS = 1000;
const CLOSE = ']}}';

/** A JSON string literal for a text value: JSON.stringify escapes exactly as PostgreSQL's json does for valid UTF-8. */
const str = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value));
/** A value known to need no escaping (uuid, the ISO timestamp): quoted as it is. */
const safe = (value: string | null): string => (value === null ? 'null' : `"${value}"`);
/** An integer's text output is its JSON number. */
const num = (value: string | null): string => value ?? 'null';

/** The function the compiler would generate for this shape: one row's object, in selection order. */
function writePost(f: readonly (string | null)[]): string {
  return `{"id":${safe(f[0]!)},"title":${str(f[1]!)},"status":${str(f[2]!)},"views":${num(f[3]!)},"createdAt":${safe(f[4]!)}}`;
}

export function planOf(variant: Variant, shape: ListShape): Plan {
  const from = `FROM tb_post p ORDER BY ${shape.order} LIMIT ${shape.limit}`;
  if (variant === 'pg-json') {
    return {
      text: shape.floorSql,
      writer: () => {
        let text = '';
        return { row: (f) => void (text = f[0]!), end: () => text };
      },
    };
  }
  if (variant === 'pg-row-json') {
    return {
      text: `SELECT json_build_object('id', p.id, 'title', p.title, 'status', p.status, 'views', p.views, 'createdAt', ${iso('p.created_at')})::text ${from}`,
      writer: joined((f) => f[0]!),
    };
  }
  return {
    text: `SELECT p.id, p.title, p.status, p.views, ${iso('p.created_at')} ${from}`,
    writer: joined(writePost),
  };
}

function joined(each: (fields: readonly (string | null)[]) => string): Plan['writer'] {
  return (flush) => {
    let text = OPEN;
    let separator = '';
    let rows = 0;
    return {
      row: (f) => {
        text += separator + each(f);
        separator = ',';
        if (++rows % FLUSH_ROWS === 0) {
          flush(text);
          text = '';
        }
      },
      end: () => text + CLOSE,
    };
  };
}
