// Finds and reads the project configuration: --config FILE, else fraise.config.json in the working
// directory, plus graphql-config's .graphqlrc (schema, documents, extensions.fraise) when present.
// Precedence: command-line flags > fraise.config.json > .graphqlrc. Paths in a file are relative
// to that file's folder.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Diagnostic, didYouMean } from '../diagnostics.js';
import { NAMINGS, OUTPUT_KINDS, type Naming, type OutputKind, type ProjectConfig } from './types.js';
import { locateKey } from './locateKey.js';
import { badMaxPageSize, isMaxPageSize } from './pageSize.js';

export const FRAISE_CONFIG = 'fraise.config.json';
export const GRAPHQL_CONFIGS = [
  '.graphqlrc',
  '.graphqlrc.json',
  '.graphqlrc.yaml',
  '.graphqlrc.yml',
  'graphql.config.json',
  'graphql.config.yaml',
  'graphql.config.yml',
];

/** What the command line says; undefined means "not given". */
export interface ConfigFlags {
  readonly config?: string;
  readonly schema?: readonly string[];
  readonly operations?: readonly string[];
  readonly out?: string;
  readonly metadata?: string;
  readonly databaseUrl?: string;
  readonly naming?: string;
  readonly output?: string;
  readonly maxPageSize?: string;
  readonly ignoreWarnings?: readonly string[];
  /** --no-introspection */
  readonly noIntrospection?: boolean;
}

type Layer = Partial<{
  schema: string[];
  operations: string[];
  out: string;
  metadata: string;
  databaseUrl: string;
  naming: Naming;
  scalars: Record<string, string>;
  maxPageSize: number;
  output: OutputKind;
  ignoreWarnings: string[];
  introspection: boolean;
}>;

const KEYS = ['schema', 'operations', 'out', 'metadata', 'databaseUrl', 'naming', 'scalars', 'maxPageSize', 'output', 'ignoreWarnings', 'introspection', 'serve'] as const;

export async function loadConfig(
  flags: ConfigFlags,
  cwd: string,
): Promise<{ config: ProjectConfig } | { diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const configFiles: string[] = [];
  const layers: Layer[] = [];

  const rc = await findFirst(cwd, GRAPHQL_CONFIGS);
  if (rc) {
    configFiles.push(rc.file);
    layers.push(graphqlConfigLayer(rc.file, rc.text, diagnostics, cwd));
  }
  const fraiseFile = flags.config ? path.resolve(cwd, flags.config) : path.join(cwd, FRAISE_CONFIG);
  const text = await readFile(fraiseFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' && !flags.config) return undefined;
    diagnostics.push({ code: 'FRAISE_BAD_CONFIG', message: `Cannot read the configuration file "${flags.config}": ${error.code ?? error.message}.`,
      hint: 'Check the --config path; it is resolved from the working directory.' });
    return undefined;
  });
  if (text !== undefined) {
    configFiles.push(fraiseFile);
    const value = parseConfigText(fraiseFile, text, diagnostics, cwd);
    if (value !== undefined) layers.push(readLayer(fraiseFile, text, value, diagnostics, KEYS, cwd));
  }
  layers.push(flagLayer(flags, cwd, diagnostics));
  if (diagnostics.length > 0) return { diagnostics };

  const merged: Layer = Object.assign({}, ...layers) as Layer;
  return {
    config: {
      schema: merged.schema ?? [],
      operations: merged.operations ?? [],
      ...(merged.out !== undefined ? { out: merged.out } : {}),
      ...(merged.metadata !== undefined ? { metadata: merged.metadata } : {}),
      ...(merged.databaseUrl !== undefined ? { databaseUrl: merged.databaseUrl } : {}),
      naming: merged.naming ?? 'camel',
      scalars: merged.scalars ?? {},
      ...(merged.maxPageSize !== undefined ? { maxPageSize: merged.maxPageSize } : {}),
      output: merged.output ?? 'both',
      ignoreWarnings: merged.ignoreWarnings ?? [],
      introspection: merged.introspection ?? true,
      configFiles,
    },
  };
}

async function findFirst(dir: string, names: readonly string[]): Promise<{ file: string; text: string } | undefined> {
  for (const name of names) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

function parseConfigText(file: string, text: string, diagnostics: Diagnostic[], cwd: string): unknown {
  const json = file.endsWith('.json') || !/\.ya?ml$/.test(file) && text.trimStart().startsWith('{');
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    const offset = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
    diagnostics.push({ code: 'FRAISE_BAD_CONFIG', message: `${path.basename(file)} is not valid ${json ? 'JSON' : 'YAML'}: ${message}`,
      hint: 'Fix the syntax; the file is read as JSON when it ends in .json or starts with {.', location: locateKey(file, text, undefined, cwd, offset) });
    return undefined;
  }
}

function graphqlConfigLayer(file: string, text: string, diagnostics: Diagnostic[], cwd: string): Layer {
  const value = parseConfigText(file, text, diagnostics, cwd);
  if (value === undefined) return {};
  if (!isRecord(value)) {
    diagnostics.push(badValue(file, text, undefined, `${path.basename(file)} must hold an object.`, 'Write schema: and documents: keys.', cwd));
    return {};
  }
  if (value['schema'] === undefined && value['projects'] !== undefined) {
    diagnostics.push(badValue(file, text, 'projects', 'Multi-project graphql-config files are not supported.',
      'Put schema and documents at the top level, or write a fraise.config.json.', cwd));
    return {};
  }
  const base: Record<string, unknown> = {};
  if (value['schema'] !== undefined) base['schema'] = value['schema'];
  if (value['documents'] !== undefined) base['operations'] = value['documents'];
  const extensions = isRecord(value['extensions']) ? value['extensions'] : {};
  const fraise = isRecord(extensions['fraise']) ? extensions['fraise'] : {};
  return {
    ...readLayer(file, text, base, diagnostics, ['schema', 'operations'], cwd),
    ...readLayer(file, text, fraise, diagnostics, KEYS.filter((k) => k !== 'schema' && k !== 'operations'), cwd),
  };
}

function readLayer(file: string, text: string, value: unknown, diagnostics: Diagnostic[], allowed: readonly string[], cwd: string): Layer {
  if (!isRecord(value)) {
    diagnostics.push(badValue(file, text, undefined, `${path.basename(file)} must hold a JSON object.`, `Keys: ${allowed.join(', ')}.`, cwd));
    return {};
  }
  const dir = path.dirname(file);
  const layer: Layer = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$schema') continue;
    const fail = (message: string, hint: string): void => {
      diagnostics.push(badValue(file, text, key, message, hint, cwd));
    };
    if (!allowed.includes(key)) {
      const suggestion = didYouMean(key, allowed);
      fail(`Unknown configuration key "${key}".`, suggestion ? `Did you mean "${suggestion}"?` : `Keys: ${allowed.join(', ')}.`);
      continue;
    }
    switch (key) {
      case 'schema':
      case 'operations': {
        const list = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((p) => typeof p === 'string') ? (v as string[]) : undefined;
        if (!list || list.length === 0) fail(`"${key}" must be a glob or a list of globs.`, `Example: "${key}": ["${key === 'schema' ? 'schema' : 'src'}/**/*.graphql"].`);
        else if (list.some((p) => /^https?:/.test(p))) fail(`"${key}" must name local .graphql files, not a URL.`, 'Fraise compiles from SDL files; save the schema to a file.');
        else layer[key] = list.map((p) => resolvePattern(dir, p, cwd));
        break;
      }
      case 'out':
      case 'metadata':
      case 'databaseUrl':
        if (typeof v !== 'string' || v === '') fail(`"${key}" must be a non-empty string.`, key === 'databaseUrl' ? 'Prefer the DATABASE_URL environment variable for credentials.' : 'A path relative to this file.');
        else layer[key] = key === 'databaseUrl' ? v : path.resolve(dir, v);
        break;
      case 'naming':
        if (!NAMINGS.includes(v as Naming)) fail(`"naming" must be one of ${NAMINGS.map((n) => `"${n}"`).join(', ')}.`, '"camel": field userId reads data key user_id; "preserve": the key is the field name.');
        else layer.naming = v as Naming;
        break;
      case 'output':
        if (!OUTPUT_KINDS.includes(v as OutputKind)) fail(`"output" must be one of ${OUTPUT_KINDS.map((n) => `"${n}"`).join(', ')}.`, '"both": .ts, .js and .d.ts; "ts": .ts only; "js": .js and .d.ts.');
        else layer.output = v as OutputKind;
        break;
      case 'scalars':
        if (!isRecord(v) || !Object.values(v).every((t) => typeof t === 'string')) fail('"scalars" must map scalar names to TypeScript types.', 'Example: "scalars": { "BigInt": "string" }.');
        else layer.scalars = v as Record<string, string>;
        break;
      case 'ignoreWarnings':
        if (!Array.isArray(v) || !v.every((c) => typeof c === 'string')) fail('"ignoreWarnings" must be a list of warning codes.', 'Example: "ignoreWarnings": ["FRAISE_UNBOUNDED_LIST"].');
        else layer.ignoreWarnings = v as string[];
        break;
      case 'maxPageSize':
        if (isMaxPageSize(v)) layer.maxPageSize = v;
        else {
          const bad = badMaxPageSize('"maxPageSize"', v, '"maxPageSize": 100');
          fail(bad.message, bad.hint);
        }
        break;
      case 'introspection':
        if (typeof v !== 'boolean') fail('"introspection" must be true or false.', 'Example: "introspection": false (a production build without __schema / __type).');
        else layer.introspection = v;
        break;
      case 'serve':
        // Read by `fraise-compile serve` (compiler/serveConfig.ts), which checks its contents.
        if (!isRecord(v)) fail('"serve" must be an object.', 'Example: "serve": { "auth": { "jwt": { "jwksUri": "https://example.auth0.com/.well-known/jwks.json" } } }.');
        break;
    }
  }
  return layer;
}

function flagLayer(flags: ConfigFlags, cwd: string, diagnostics: Diagnostic[]): Layer {
  const layer: Layer = {};
  const usage = (message: string, hint: string): void => {
    diagnostics.push({ code: 'FRAISE_USAGE', message, hint });
  };
  if (flags.schema) layer.schema = [...flags.schema];
  if (flags.operations) layer.operations = [...flags.operations];
  if (flags.ignoreWarnings) layer.ignoreWarnings = [...flags.ignoreWarnings];
  if (flags.out !== undefined) layer.out = path.resolve(cwd, flags.out);
  if (flags.metadata !== undefined) layer.metadata = path.resolve(cwd, flags.metadata);
  if (flags.databaseUrl !== undefined) layer.databaseUrl = flags.databaseUrl;
  if (flags.naming !== undefined) {
    if (NAMINGS.includes(flags.naming as Naming)) layer.naming = flags.naming as Naming;
    else usage(`--naming must be one of ${NAMINGS.join(', ')}; got "${flags.naming}".`, 'camel maps userId to user_id; preserve keeps names as written.');
  }
  if (flags.output !== undefined) {
    if (OUTPUT_KINDS.includes(flags.output as OutputKind)) layer.output = flags.output as OutputKind;
    else usage(`--output must be one of ${OUTPUT_KINDS.join(', ')}; got "${flags.output}".`, 'both: .ts, .js and .d.ts; ts: .ts only; js: .js and .d.ts.');
  }
  if (flags.noIntrospection === true) layer.introspection = false;
  if (flags.maxPageSize !== undefined) {
    const n = Number(flags.maxPageSize);
    if (isMaxPageSize(n)) layer.maxPageSize = n;
    else {
      const bad = badMaxPageSize('--max-page-size', flags.maxPageSize, '--max-page-size 100');
      usage(bad.message, bad.hint);
    }
  }
  return layer;
}

/**
 * A glob relative to `dir`, made absolute (keeping a leading `!` of a negated pattern) unless `dir`
 * is the working directory, so that messages show patterns as they were written.
 */
function resolvePattern(dir: string, pattern: string, cwd: string): string {
  if (path.resolve(dir) === path.resolve(cwd) || path.isAbsolute(pattern.replace(/^!/, ''))) return pattern;
  const negated = pattern.startsWith('!');
  const resolved = path.resolve(dir, negated ? pattern.slice(1) : pattern);
  return negated ? `!${resolved}` : resolved;
}

function badValue(file: string, text: string, key: string | undefined, message: string, hint: string, cwd: string): Diagnostic {
  return { code: 'FRAISE_BAD_CONFIG', message, hint, location: locateKey(file, text, key, cwd) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
