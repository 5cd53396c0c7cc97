// Identifiers reach SQL only from the compiled schema and database metadata, always quoted;
// string literals only for JSON keys and type names that the compiler itself chose.
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('NUL byte in SQL literal');
  return `'${text.replace(/'/g, "''")}'`;
}
