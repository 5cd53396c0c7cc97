// The one entry to an operation's `prepare(variables)` (execute, stream and the HTTP handler all go
// through it): variables that nest deeper than any input type needs are refused first, because
// code that walks a variable recursively (coercion, error messages) would run out of stack on them
// and answer 500.
import type { AnyCompiledOperation, CoercionResult } from './types.js';

/** How deep a variable's lists and objects may nest: far beyond any input type a schema declares. */
export const MAX_VARIABLE_DEPTH = 100;

export function prepareOperation(op: AnyCompiledOperation, variables: Readonly<Record<string, unknown>> | null | undefined): CoercionResult {
  if (variables !== null && typeof variables === 'object') {
    for (const name in variables) {
      if (!Object.hasOwn(variables, name)) continue;
      const value = variables[name];
      // Scalars (most variables) nest nothing: no walk.
      if (typeof value === 'object' && value !== null && nestedDeeperThan(value, MAX_VARIABLE_DEPTH)) {
        const message = `Variable "$${name}" is nested more than ${MAX_VARIABLE_DEPTH} levels deep (lists and input objects); no input type of this server needs that.`;
        return { ok: false, errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] };
      }
    }
  }
  return op.prepare(variables);
}

/** Whether `value` nests arrays/objects more than `limit` deep; iterative, so any depth is safe to ask. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
