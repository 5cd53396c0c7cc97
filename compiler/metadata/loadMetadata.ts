// Where the compiler's metadata comes from: a snapshot file when one is given, else a live database.
import type { Diagnostic } from '../diagnostics.js';
import { readMetadata } from './readMetadata.js';
import { readMetadataFile } from './snapshotFile.js';
import type { DatabaseMetadata } from './types.js';

export async function loadMetadata(source: {
  readonly metadataFile?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly cwd?: string;
}): Promise<DatabaseMetadata | { diagnostics: Diagnostic[] }> {
  if (source.metadataFile !== undefined) return readMetadataFile(source.metadataFile, source.cwd);
  if (!source.databaseUrl) {
    return {
      diagnostics: [
        {
          code: 'FRAISE_NO_DATABASE',
          message: 'The compiler needs database metadata: give --database-url (or DATABASE_URL), or --metadata with a snapshot.',
          hint: 'Write a snapshot once with: fraise-compile introspect --database-url URL --out fraise.metadata.json',
        },
      ],
    };
  }
  try {
    return await readMetadata(source.databaseUrl);
  } catch (error) {
    return {
      diagnostics: [
        {
          code: 'FRAISE_DATABASE_UNREACHABLE',
          message: `Could not read metadata from the database: ${(error as Error).message}`,
          hint: 'Check --database-url and that the server is running, or compile from a snapshot with --metadata.',
        },
      ],
    };
  }
}
