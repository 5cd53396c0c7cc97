// What execute and stream share from createRuntime's options, validated once.
import type { Pool } from 'pg';
import type { AcquireLimits } from './acquire.js';
import type { AnyCompiledOperation } from './types.js';

/** Milliseconds (0 = no limit), per operation or for all; undefined keeps the connection's default. */
export type TimeoutSetting = number | ((operation: AnyCompiledOperation) => number | undefined);

export interface RuntimeSettings {
  readonly pool: Pool;
  readonly batchSize: number;
  /** Named prepared statements kept per connection (least recently used ones are deallocated). */
  readonly maxPreparedStatements: number;
  readonly debug: boolean;
  readonly onError: ((error: unknown, operation: AnyCompiledOperation) => void) | undefined;
  readonly statementTimeout: TimeoutSetting | undefined;
  readonly lockTimeout: TimeoutSetting | undefined;
  /** How long and behind how many others an operation may wait for a connection. */
  readonly acquire: AcquireLimits;
}
