// Identifiers reach SQL only from the compiled schema and database metadata, always quoted;
// string literals only for JSON keys and type names that the compiler itself chose.
export function quoteIdent(name: string): string {
  assertPrintable(name);
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  assertPrintable(text);
  return `'${text.replace(/'/g, "''")}'`;
}

/** Control characters never belong in names (NUL cannot even be sent to PostgreSQL). */
function assertPrintable(text: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008]/.test(text)) throw new RangeError(`control character in SQL name ${JSON.stringify(text)}`);
}
