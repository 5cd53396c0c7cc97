// The caller's scopes (roles and scopes alike) with `implies` expanded transitively, and the
// Apollo Router semantics of @authenticated / @requiresScopes: a field's requirement holds when
// the caller is authenticated (if asked) and, for each @requiresScopes on the way to it, one of
// its inner lists (any of) is entirely held (all of).
import type { Requirement } from '../../types.js';
import type { Claims } from './options.js';

export type Implies = ReadonlyMap<string, readonly string[]>;

/** The default scopes of a token: `scope` (space separated, OAuth 2) plus the `roles` array. */
export function defaultScopes(claims: Claims): string[] {
  const out: string[] = [];
  const scope = claims['scope'];
  if (typeof scope === 'string') out.push(...scope.split(' ').filter((s) => s !== ''));
  const roles = claims['roles'];
  if (Array.isArray(roles)) for (const item of roles) if (typeof item === 'string') out.push(item);
  return out;
}

/** `granted` and everything it implies, transitively (cycles are harmless). */
export function expandScopes(granted: Iterable<string>, implies: Implies): Set<string> {
  const out = new Set<string>();
  const todo = [...granted];
  while (todo.length > 0) {
    const scope = todo.pop()!;
    if (out.has(scope)) continue;
    out.add(scope);
    const more = implies.get(scope);
    if (more !== undefined) todo.push(...more);
  }
  return out;
}

export function impliesMap(...sources: (Readonly<Record<string, readonly string[]>> | Iterable<readonly [string, string]> | undefined)[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (role: string, implied: string): void => {
    const list = map.get(role);
    if (list === undefined) map.set(role, [implied]);
    else if (!list.includes(implied)) list.push(implied);
  };
  for (const source of sources) {
    if (source === undefined) continue;
    if (Symbol.iterator in source) for (const [role, implied] of source as Iterable<readonly [string, string]>) add(role, implied);
    else for (const [role, list] of Object.entries(source)) for (const implied of list) add(role, implied);
  }
  return map;
}

/** null: allowed; otherwise the error code of the refusal. */
export function refusalOf(requirement: Requirement, authenticated: boolean, scopes: ReadonlySet<string>): 'UNAUTHENTICATED' | 'FORBIDDEN' | null {
  if (requirement.authenticated && !authenticated) return 'UNAUTHENTICATED';
  for (const anyOf of requirement.scopes) {
    if (!anyOf.some((allOf) => allOf.every((s) => scopes.has(s)))) return 'FORBIDDEN';
  }
  return null;
}
