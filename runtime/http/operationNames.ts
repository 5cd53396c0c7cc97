// The operations a GraphQL document defines (kind and name), for tying manifest documents to
// compiled operations at start-up. The runtime has no GraphQL parser (it depends on pg alone), so
// this is a small parser of the document's top level on a real lexer (the specification's
// punctuators, names, numbers, strings, block strings, comments): braces inside strings,
// comments, default values or directive arguments are tokens inside a skipped group, not
// selection sets.

type Token = { readonly kind: 'punct'; readonly value: string } | { readonly kind: 'name'; readonly value: string } | { readonly kind: 'value' };

export interface DefinedOperation {
  readonly kind: 'query' | 'mutation' | 'subscription';
  readonly name: string | undefined;
}

/** The operations of `document` in order (fragments are not operations); undefined if it is not a document. */
export function operationNames(document: string): DefinedOperation[] | undefined {
  const tokens = lex(document);
  if (tokens === undefined) return undefined;
  const found: DefinedOperation[] = [];
  let i = 0;
  /** Skips one balanced group starting at tokens[i] (an opening bracket); false when unbalanced. */
  const skipGroup = (): boolean => {
    const stack: string[] = [];
    do {
      const t = tokens[i++];
      if (t === undefined) return false;
      if (t.kind !== 'punct') continue;
      if (t.value === '{' || t.value === '(' || t.value === '[') stack.push(CLOSE[t.value]!);
      else if (t.value === '}' || t.value === ')' || t.value === ']') {
        if (stack.pop() !== t.value) return false;
      }
    } while (stack.length > 0);
    return true;
  };
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.value === '{') {
      found.push({ kind: 'query', name: undefined }); // shorthand `{ ... }`
      if (!skipGroup()) return undefined;
      continue;
    }
    if (t.kind !== 'name' || !DEFINITION_KEYWORDS.has(t.value)) return undefined;
    i++;
    const next = tokens[i];
    const name = next?.kind === 'name' ? next.value : undefined;
    if (t.value !== 'fragment') found.push({ kind: t.value as DefinedOperation['kind'], name });
    // Up to the selection set: the name, `on Type`, variable definitions and directives (whose
    // parenthesised groups may hold object values with braces).
    for (;;) {
      const u = tokens[i];
      if (u === undefined) return undefined;
      if (u.kind === 'punct' && u.value === '{') break;
      if (u.kind === 'punct' && (u.value === '(' || u.value === '[')) {
        if (!skipGroup()) return undefined;
      } else i++;
    }
    if (!skipGroup()) return undefined;
  }
  return found;
}

const DEFINITION_KEYWORDS = new Set(['query', 'mutation', 'subscription', 'fragment']);
const CLOSE: Readonly<Record<string, string>> = { '{': '}', '(': ')', '[': ']' };
const NAME = /[_A-Za-z][_0-9A-Za-z]*/y;
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const STRING = /"(?:[^"\\\n\r]|\\.)*"/y;
const BLOCK_STRING = /"""(?:[^"\\]|\\"""|\\|"(?!""))*"""/y;

/** The tokens of a GraphQL document, or undefined on a character no token starts with. */
function lex(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let at = 0;
  const sticky = (re: RegExp): string | undefined => {
    re.lastIndex = at;
    const m = re.exec(text);
    return m === null ? undefined : m[0];
  };
  while (at < text.length) {
    const c = text[at]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '\uFEFF') {
      at++;
    } else if (c === '#') {
      while (at < text.length && text[at] !== '\n' && text[at] !== '\r') at++;
    } else if ('{}()[]!$&:=@|'.includes(c)) {
      tokens.push({ kind: 'punct', value: c });
      at++;
    } else if (c === '.' && text.startsWith('...', at)) {
      tokens.push({ kind: 'punct', value: '...' });
      at += 3;
    } else if (c === '"') {
      const s = text.startsWith('"""', at) ? sticky(BLOCK_STRING) : sticky(STRING);
      if (s === undefined) return undefined;
      tokens.push({ kind: 'value' });
      at += s.length;
    } else {
      const name = sticky(NAME);
      if (name !== undefined) {
        tokens.push({ kind: 'name', value: name });
        at += name.length;
        continue;
      }
      const number = sticky(NUMBER);
      if (number === undefined) return undefined;
      tokens.push({ kind: 'value' });
      at += number.length;
    }
  }
  return tokens;
}
