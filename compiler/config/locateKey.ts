// Where a key of a JSON or YAML configuration file is written, for the caret of a diagnostic.
import path from 'node:path';
import type { SourceLocation } from '../diagnostics.js';

export function locateKey(file: string, text: string, key: string | undefined, cwd: string, fallbackOffset = 0): SourceLocation {
  let offset = fallbackOffset;
  if (key !== undefined) {
    const json = text.indexOf(JSON.stringify(key));
    const yaml = new RegExp(`^[ \\t-]*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'm').exec(text);
    if (json >= 0) offset = json;
    else if (yaml) offset = yaml.index + yaml[0].indexOf(key);
  }
  const before = text.slice(0, offset).split(/\r\n|\n/);
  const line = before.length;
  const name = path.relative(cwd, file);
  return {
    file: name.startsWith('..') ? file : name,
    line,
    column: before[line - 1]!.length + 1,
    lineText: text.split(/\r\n|\n/)[line - 1] ?? '',
  };
}
