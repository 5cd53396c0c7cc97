// Command-line parsing shared by the commands: node:util parseArgs, usage errors as FRAISE_USAGE.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Diagnostic } from '../diagnostics.js';
import { printDiagnostics, printJson, type Streams } from './report.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** The parsed flags, or the exit code when the command line was wrong (or --help was asked). */
export function parseCommand(argv: readonly string[], options: Options, usage: string, io: Streams): ParsedValues | number {
  const json = argv.includes('--format=json') || argv.some((a, i) => a === '--format' && argv[i + 1] === 'json');
  const fail = (message: string): number => {
    const diagnostics: Diagnostic[] = [{ code: 'FRAISE_USAGE', message }];
    if (json) printJson(io, false, diagnostics);
    else printDiagnostics(io, diagnostics);
    return 2;
  };
  let values: ParsedValues;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values['help']) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  const format = values['format'];
  if (format !== undefined && format !== 'text' && format !== 'json') return fail(`--format must be text or json; got "${String(format)}".`);
  return values;
}

export const str = (v: ParsedValues[string]): string | undefined => (typeof v === 'string' ? v : undefined);
export const strs = (v: ParsedValues[string]): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
