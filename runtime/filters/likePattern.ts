// LIKE patterns that match a value literally: `\`, `%` and `_` escaped (LIKE's default escape is
// `\`). contains / startswith / endswith (and their i- forms) bind these; like / ilike bind the
// value as the pattern it is.

const escape = (s: string): string => s.replace(/[\\%_]/g, '\\$&');

/** `%value%`: the text contains the value. Non-strings pass through (the coercer refused them). */
export const likeContains = (s: unknown): unknown => (typeof s === 'string' ? `%${escape(s)}%` : s);
/** `value%`: the text starts with the value. */
export const likeStartsWith = (s: unknown): unknown => (typeof s === 'string' ? `${escape(s)}%` : s);
/** `%value`: the text ends with the value. */
export const likeEndsWith = (s: unknown): unknown => (typeof s === 'string' ? `%${escape(s)}` : s);

export const LIKE_PATTERNS = { likeContains, likeStartsWith, likeEndsWith } as const;
