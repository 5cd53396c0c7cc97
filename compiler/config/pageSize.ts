// maxPageSize, wherever it is given (fraise.config.json, --max-page-size, the compileProject and
// createDocumentCompiler option): one rule, and one message worded with the name the user wrote.

/** A whole number of rows, at least 1 (a maximum of 0 would make every list empty). */
export function isMaxPageSize(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

/** What to say of a bad value given as `setting` (e.g. `--max-page-size`), with an example of a good one. */
export function badMaxPageSize(setting: string, value: unknown, example: string): { readonly message: string; readonly hint: string } {
  const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
  return { message: `${setting} must be a positive integer; got ${shown}.`, hint: `A whole number of rows, at least 1. Example: ${example}.` };
}
