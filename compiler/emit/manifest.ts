// The persisted-query manifest in Apollo's format (apollo-persisted-query-manifest, version 1).
export interface ManifestOperation {
  readonly name: string;
  readonly id: string;
  readonly body: string;
  /** Default 'query'. */
  readonly type?: 'query' | 'mutation';
}

export function persistedQueryManifest(operations: readonly ManifestOperation[]): string {
  const manifest = {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map((o) => ({ id: o.id, name: o.name, type: o.type ?? 'query', body: o.body })),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
