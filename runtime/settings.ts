// What execute and stream share from createRuntime's options, validated once.
import type { Pool } from 'pg';
import type { AnyCompiledOperation } from './types.js';

export interface RuntimeSettings {
  readonly pool: Pool;
  readonly batchSize: number;
  /** Named prepared statements kept per connection (least recently used ones are deallocated). */
  readonly maxPreparedStatements: number;
  readonly debug: boolean;
  readonly onError: ((error: unknown, operation: AnyCompiledOperation) => void) | undefined;
}
