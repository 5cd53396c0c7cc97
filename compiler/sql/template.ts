// A statement as pieces: SQL text, bind parameters (by index into the operation's parameter
// list), and optional filters that read TRUE when their variable is omitted. Parameters are
// numbered $1, $2, ... in the order they appear once the optional parts are decided.
import type { SqlPiece } from '@fraise/runtime';
export { expandPieces, type SqlPiece } from '@fraise/runtime';

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

