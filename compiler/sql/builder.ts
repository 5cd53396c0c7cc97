// SQL as typed pieces. The emitter composes immutable, kind-tagged nodes (text it wrote, quoted
// identifiers, typed literals, bind parameters, optional parts, dynamic slots) and renders a
// statement once into the runtime's SqlPiece[] (`@fraise/runtime`: text, `{ param }`,
// `{ when, then }`, `{ slot }`). Nothing is marked inside text and parsed back, and a name or a
// value can only reach the text through the node that quotes it.
import type { SqlPiece } from '@fraise/runtime';
import { quoteIdent, quoteLiteral } from './quote.js';

/** SQL the compiler wrote itself: keywords, operators, its aliases, expressions built from quoted names. */
export interface SqlText {
  readonly kind: 'Text';
  readonly text: string;
}

/** A name from the schema or the database metadata, quoted when rendered (`"a""b"`). */
export interface SqlIdentifier {
  readonly kind: 'Identifier';
  readonly name: string;
}

/**
 * A value written into the statement: a string quoted (`'x'`), a non-negative safe integer as
 * digits (`20`), any other number quoted (`'1.5'`, `'-3'`), a boolean as TRUE/FALSE; followed by
 * `::sqlType` when it has one.
 */
export interface SqlLiteral {
  readonly kind: 'Literal';
  readonly value: string | number | boolean;
  readonly sqlType: string | null;
}

/** Bind parameter `index` of the operation's parameter list, cast to `sqlType` (`$n::uuid`). */
export interface SqlParameter {
  readonly kind: 'Parameter';
  readonly index: number;
  readonly sqlType: string;
}

/** A part present when bit `bit` of the shape is set (its filter's variable was given); TRUE otherwise. */
export interface SqlOptional {
  readonly kind: 'Optional';
  readonly bit: number;
  readonly body: Sql;
}

/** Dynamic part `index`, built at run time from a whole variable (where / orderBy). */
export interface SqlSlot {
  readonly kind: 'Slot';
  readonly index: number;
}

/** Nodes one after the other. */
export interface SqlSequence {
  readonly kind: 'Sequence';
  readonly items: readonly Sql[];
}

export type Sql = SqlText | SqlIdentifier | SqlLiteral | SqlParameter | SqlOptional | SqlSlot | SqlSequence;

/** Text the compiler wrote (never a value or a name: those are `literal` and `ident`). */
export const raw = (text: string): SqlText => Object.freeze({ kind: 'Text', text });

export const ident = (name: string): SqlIdentifier => Object.freeze({ kind: 'Identifier', name });

export const literal = (value: string | number | boolean, sqlType: string | null = null): SqlLiteral =>
  Object.freeze({ kind: 'Literal', value, sqlType });

export const param = (index: number, sqlType: string): SqlParameter => Object.freeze({ kind: 'Parameter', index, sqlType });

export const optional = (bit: number, body: Sql): SqlOptional => Object.freeze({ kind: 'Optional', bit, body });

export const slot = (index: number): SqlSlot => Object.freeze({ kind: 'Slot', index });

export const empty: Sql = raw('');

/** `sql\`SELECT ${a} FROM ${b}\``: the template's text as Text, each `${}` a node as it is. */
export function sql(strings: TemplateStringsArray, ...values: readonly Sql[]): Sql {
  const items: Sql[] = [];
  strings.forEach((text, i) => {
    if (text) items.push(raw(text));
    if (i < values.length) items.push(values[i]!);
  });
  return sequence(items);
}

/** The items with `separator` (text) between them. */
export function join(items: readonly Sql[], separator: string): Sql {
  return sequence(items.flatMap((item, i) => (i === 0 ? [item] : [raw(separator), item])));
}

function sequence(items: readonly Sql[]): Sql {
  return items.length === 1 ? items[0]! : Object.freeze({ kind: 'Sequence', items: Object.freeze([...items]) });
}

type Render<K extends Sql['kind']> = (node: Extract<Sql, { kind: K }>, out: PieceWriter) => void;

/** Appends pieces, merging adjacent text (a piece list has no two texts in a row, and no empty text). */
class PieceWriter {
  readonly pieces: SqlPiece[] = [];
  private pending = '';

  text(text: string): void {
    this.pending += text;
  }

  piece(piece: SqlPiece): void {
    this.flush();
    this.pieces.push(piece);
  }

  flush(): SqlPiece[] {
    if (this.pending) this.pieces.push(this.pending);
    this.pending = '';
    return this.pieces;
  }
}

const RENDER: { readonly [K in Sql['kind']]: Render<K> } = {
  Text: (n, out) => out.text(n.text),
  Identifier: (n, out) => out.text(quoteIdent(n.name)),
  Literal: (n, out) => out.text(literalText(n)),
  Parameter: (n, out) => {
    out.piece({ param: n.index });
    out.text(`::${n.sqlType}`);
  },
  Optional: (n, out) => {
    const inner = new PieceWriter();
    write(n.body, inner);
    out.piece({ when: n.bit, then: Object.freeze(inner.flush()) });
  },
  Slot: (n, out) => out.piece({ slot: n.index }),
  Sequence: (n, out) => {
    for (const item of n.items) write(item, out);
  },
};

function write(node: Sql, out: PieceWriter): void {
  RENDER[node.kind](node as never, out);
}

function literalText(n: SqlLiteral): string {
  const { value } = n;
  const text =
    typeof value === 'boolean'
      ? value ? 'TRUE' : 'FALSE'
      : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
        ? String(value)
        : typeof value === 'number'
          ? numberLiteral(value)
          : quoteLiteral(value);
  return n.sqlType === null ? text : `${text}::${n.sqlType}`;
}

function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number and has no SQL literal`);
  return quoteLiteral(String(value));
}

/** The statement's pieces: rendered once, frozen. */
export function renderPieces(node: Sql): readonly SqlPiece[] {
  const out = new PieceWriter();
  write(node, out);
  return Object.freeze(out.flush());
}

/**
 * The text of SQL that holds no parameter, optional part or slot (what generated code embeds:
 * the `data` expression of a dynamic part, a tie-break term); anything else is refused.
 */
export function renderText(node: Sql): string {
  const pieces = renderPieces(node);
  if (pieces.some((p) => typeof p !== 'string')) throw new Error(`SQL with parameters or variable parts where plain text is required: ${JSON.stringify(pieces)}`);
  return pieces.join('');
}

/** Whether the statement varies at run time (optional parts or dynamic slots). */
export function hasOptionalParts(pieces: readonly SqlPiece[]): boolean {
  return pieces.some((p) => typeof p !== 'string' && ('when' in p || 'slot' in p));
}
