// Content negotiation per the GraphQL over HTTP specification.
export const GRAPHQL_RESPONSE = 'application/graphql-response+json';
export const JSON_TYPE = 'application/json';
export type ResponseMediaType = typeof GRAPHQL_RESPONSE | typeof JSON_TYPE;

interface MediaRange {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
}

function parseMediaRange(text: string): MediaRange | undefined {
  const [essence, ...rest] = text.split(';');
  const type = essence?.trim().toLowerCase() ?? '';
  if (type === '') return undefined;
  const params = new Map<string, string>();
  let q = 1;
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (key === 'q') {
      const parsed = Number(value);
      q = Number.isFinite(parsed) ? parsed : 0;
    } else params.set(key, value);
  }
  return { type, params, q };
}

/** A media range accepts a type when it names it or a wildcard covering it, with utf-8 (or no) charset. */
function quality(ranges: readonly MediaRange[], type: string): number {
  let best = 0;
  let bestSpecificity = -1;
  for (const range of ranges) {
    const charset = range.params.get('charset');
    if (charset !== undefined && charset !== 'utf-8') continue;
    const specificity = range.type === type ? 2 : range.type === `${type.split('/')[0]}/*` ? 1 : range.type === '*/*' ? 0 : -1;
    if (specificity > bestSpecificity) {
      bestSpecificity = specificity;
      best = range.q;
    }
  }
  return best;
}

// A client sends the same Accept and Content-Type on every request: the last answer to each is
// kept (one entry, so that clients cannot grow it).
let lastAccept: { readonly text: string; readonly type: ResponseMediaType | undefined } = { text: '', type: JSON_TYPE };

let lastContentType: { readonly text: string; readonly json: boolean } = { text: JSON_TYPE, json: true };

/**
 * The media type of the response, or undefined when the client accepts neither (406). No Accept
 * header means application/json, as the specification says for legacy clients. When both are
 * acceptable, the higher q wins; a tie goes to graphql-response+json unless the client only said
 * a wildcard (then application/json, which every older client understands).
 */
export function negotiate(accept: string | undefined): ResponseMediaType | undefined {
  if (accept === undefined) return JSON_TYPE;
  if (accept === lastAccept.text) return lastAccept.type;
  const type = negotiateAnew(accept);
  lastAccept = { text: accept, type };
  return type;
}

function negotiateAnew(accept: string): ResponseMediaType | undefined {
  if (accept.trim() === '') return JSON_TYPE;
  const ranges = accept.split(',').flatMap((part) => parseMediaRange(part) ?? []);
  const graphql = quality(ranges, GRAPHQL_RESPONSE);
  const json = quality(ranges, JSON_TYPE);
  if (graphql <= 0 && json <= 0) return undefined;
  const namesGraphql = ranges.some((r) => r.type === GRAPHQL_RESPONSE);
  if (graphql > json || (graphql === json && namesGraphql)) return GRAPHQL_RESPONSE;
  return JSON_TYPE;
}

/** True for application/json with no charset or utf-8 (the only request body this server reads). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  if (contentType === lastContentType.text) return lastContentType.json;
  const json = isJsonAnew(contentType);
  lastContentType = { text: contentType, json };
  return json;
}

function isJsonAnew(contentType: string): boolean {
  const range = parseMediaRange(contentType);
  if (range?.type !== JSON_TYPE) return false;
  const charset = range.params.get('charset');
  return charset === undefined || charset === 'utf-8';
}
