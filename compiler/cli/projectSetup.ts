// Turns flags + configuration files into what a command needs, reporting problems as diagnostics.
import { loadConfig, type ConfigFlags } from '../config/loadConfig.js';
import type { ProjectConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics.js';
import { type ParsedValues, str, strs } from './args.js';

export const CONFIG_OPTIONS = {
  config: { type: 'string' },
  'database-url': { type: 'string' },
  format: { type: 'string' },
} as const;

export async function projectConfig(values: ParsedValues, cwd: string): Promise<{ config: ProjectConfig } | { diagnostics: Diagnostic[] }> {
  const flags: ConfigFlags = {
    ...definedOnly({
      config: str(values['config']),
      schema: strs(values['schema']),
      operations: strs(values['operations']),
      out: str(values['out']),
      metadata: str(values['metadata']),
      naming: str(values['naming']),
      output: str(values['output']),
      maxPageSize: str(values['max-page-size']),
      ignoreWarnings: strs(values['ignore-warning']),
      noIntrospection: values['no-introspection'] === true ? true : undefined,
    }),
  };
  const loaded = await loadConfig(flags, cwd);
  if ('diagnostics' in loaded) return loaded;
  // --database-url on the command line wins over a snapshot named in a configuration file, and
  // DATABASE_URL is the fallback when nothing names a database.
  const flagUrl = str(values['database-url']);
  const metadata = flagUrl !== undefined && str(values['metadata']) === undefined ? undefined : loaded.config.metadata;
  const databaseUrl = flagUrl ?? loaded.config.databaseUrl ?? process.env['DATABASE_URL'];
  const { metadata: _metadata, databaseUrl: _url, ...rest } = loaded.config;
  return {
    config: { ...rest, ...(metadata !== undefined ? { metadata } : {}), ...(databaseUrl ? { databaseUrl } : {}) },
  };
}

function definedOnly<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<T>;
}
