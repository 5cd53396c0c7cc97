// Bounds the named prepared statements of each connection. Whole-variable filters give one
// statement per shape, so a connection could otherwise collect statements without end: each pg
// client keeps its names in least-recently-used order, and before a new name is used on a full
// connection the oldest is DEALLOCATEd (and forgotten by pg, which would otherwise skip the Parse).
import type { PoolClient } from 'pg';

/** The part of pg's internal Connection that records what this connection has parsed. */
interface ParsedStatements {
  readonly parsedStatements: Record<string, string | undefined>;
}

const recent = new WeakMap<object, Map<string, true>>();

/** Marks `name` as used on the client, evicting the least recently used statements beyond `max`. */
export async function useStatement(client: PoolClient, name: string, max: number): Promise<void> {
  let names = recent.get(client);
  if (!names) {
    names = new Map();
    recent.set(client, names);
  }
  if (names.delete(name)) {
    names.set(name, true);
    return;
  }
  const connection = (client as unknown as { connection: ParsedStatements }).connection;
  while (names.size >= max) {
    const oldest = names.keys().next().value!;
    names.delete(oldest);
    // A statement whose Parse failed was never prepared; there is nothing to deallocate.
    if (connection.parsedStatements[oldest] === undefined) continue;
    await client.query(`DEALLOCATE "${oldest.replace(/"/g, '""')}"`);
    delete connection.parsedStatements[oldest];
  }
  names.set(name, true);
}
