// Names of generated code that several generators share.

/** The local holding a variable's coerced value in `prepare` (`$limit`). */
export function varLocal(name: string): string {
  return `$${name}`;
}
