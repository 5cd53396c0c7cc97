// A statement as pieces: SQL text, bind parameters (by index into the operation's parameter
// list), and optional filters that read TRUE when their variable is omitted. Parameters are
// numbered $1, $2, ... in the order they appear once the optional parts are decided.
export type SqlPiece =
  | string
  | { readonly param: number }
  | { readonly when: number; readonly then: readonly SqlPiece[] }
  /** SQL built at run time from a whole variable (a where, an orderBy list); see dynamicCode.ts. */
  | { readonly slot: number };

// In-band markers let the string-building emitter mark pieces; they never occur in SQL we write
// (identifiers and literals come from the schema and are checked for control characters).
const PARAM_OPEN = '\u0004';
const PARAM_CLOSE = '\u0005';
const WHEN_OPEN = '\u0001';
const WHEN_MID = '\u0002';
const WHEN_CLOSE = '\u0003';
const SLOT_OPEN = '\u0006';
const SLOT_CLOSE = '\u0007';

export const markParam = (index: number): string => `${PARAM_OPEN}${index}${PARAM_CLOSE}`;
export const markSlot = (index: number): string => `${SLOT_OPEN}${index}${SLOT_CLOSE}`;
export const markOptional = (bit: number, sql: string): string => `${WHEN_OPEN}${bit}${WHEN_MID}${sql}${WHEN_CLOSE}`;

/** Parses marked text into pieces. */
export function toPieces(text: string): SqlPiece[] {
  let at = 0;
  const parse = (): SqlPiece[] => {
    const pieces: SqlPiece[] = [];
    let literal = '';
    const flush = (): void => {
      if (literal) pieces.push(literal);
      literal = '';
    };
    while (at < text.length) {
      const ch = text[at]!;
      if (ch === PARAM_OPEN) {
        const end = text.indexOf(PARAM_CLOSE, at);
        flush();
        pieces.push({ param: Number(text.slice(at + 1, end)) });
        at = end + 1;
      } else if (ch === SLOT_OPEN) {
        const end = text.indexOf(SLOT_CLOSE, at);
        flush();
        pieces.push({ slot: Number(text.slice(at + 1, end)) });
        at = end + 1;
      } else if (ch === WHEN_OPEN) {
        const mid = text.indexOf(WHEN_MID, at);
        flush();
        const bit = Number(text.slice(at + 1, mid));
        at = mid + 1;
        pieces.push({ when: bit, then: parse() });
      } else if (ch === WHEN_CLOSE) {
        at++;
        break;
      } else {
        literal += ch;
        at++;
      }
    }
    flush();
    return pieces;
  };
  return parse();
}

/** Whether the statement varies at run time (optional filters or dynamic parts). */
export function hasOptionalParts(pieces: readonly SqlPiece[]): boolean {
  return pieces.some((p) => typeof p !== 'string' && ('when' in p || 'slot' in p));
}

/** The statement for one assignment of the optional bits: its text and parameter order. */
/**
 * The statement for one assignment of the optional bits and one set of dynamic fragments: its text
 * and parameter order. Static parameters are numbered after the `offset` parameters of the fragments.
 */
export function expandPieces(pieces: readonly SqlPiece[], bits: number, fragments: readonly string[] = [], offset = 0): { text: string; params: number[] } {
  let text = '';
  const params: number[] = [];
  const walk = (list: readonly SqlPiece[]): void => {
    for (const piece of list) {
      if (typeof piece === 'string') text += piece;
      else if ('param' in piece) {
        params.push(piece.param);
        text += '$' + (offset + params.length);
      } else if ('slot' in piece) text += fragments[piece.slot] ?? 'TRUE';
      else if (bits & (1 << piece.when)) walk(piece.then);
      else text += 'TRUE';
    }
  };
  walk(pieces);
  return { text, params };
}

/** The same expansion as generated code, for modules whose statements have optional parts. */
export const EXPAND_SOURCE = `function expandPieces(pieces: readonly SqlPiece[], bits: number, fragments: readonly string[] = [], offset = 0): { text: string; params: number[] } {
  let text = '';
  const params: number[] = [];
  const walk = (list: readonly SqlPiece[]): void => {
    for (const piece of list) {
      if (typeof piece === 'string') text += piece;
      else if ('param' in piece) {
        params.push(piece.param);
        text += '$' + (offset + params.length);
      } else if ('slot' in piece) text += fragments[piece.slot] ?? 'TRUE';
      else if (bits & (1 << piece.when)) walk(piece.then);
      else text += 'TRUE';
    }
  };
  walk(pieces);
  return { text, params };
}`;
