// Rows of the filter fixture (test/filters/schema.graphql), generated in JavaScript so that the
// oracle evaluates filters over exactly the values that were inserted. Strings include quotes,
// backslashes, LIKE wildcards, mixed case and non-ASCII text; keys are sometimes JSON null and
// sometimes missing.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const filtersDir = path.dirname(fileURLToPath(import.meta.url));

export interface PartRow {
  readonly id: string;
  readonly item_id: string;
  readonly data: Record<string, unknown>;
}

export interface ItemRow {
  readonly id: string;
  readonly code: string | null;
  readonly qty: number | null;
  readonly data: Record<string, unknown>;
}

export const uuid = (prefix: string, n: number): string => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

const TEXTS = [
  'alpha', 'Alpha', 'ALPHA beta', "o'brien", 'back\\slash', '100%', '100 percent', 'under_score', 'underXscore',
  'Émile', 'émile', '日本語', 'café', 'x', '', 'a.c', 'abc123', 'tab\there', '"quoted"', 'Zürich',
];
const COLORS = ['RED', 'GREEN', 'BLUE'];
const TAGS = ['x', 'y', 'z', 'w', 'X'];

/** The deterministic rows: `count` items and their parts. */
export function fixtureRows(count = 48): { items: ItemRow[]; parts: PartRow[] } {
  const items: ItemRow[] = [];
  const parts: PartRow[] = [];
  for (let n = 1; n <= count; n++) {
    const pick = <T>(list: readonly T[], k: number): T => list[(n * k) % list.length]!;
    const data: Record<string, unknown> = {
      id: uuid('00000000', n),
      name: n % 9 === 0 ? null : pick(TEXTS, 7),
      label: n % 8 === 0 ? null : `L-${(n * 5) % 13}${n % 3 === 0 ? '_x' : ''}`,
      count: n % 6 === 0 ? null : ((n * 7) % 23) - 5,
      price: n % 5 === 0 ? null : ((n * 13) % 40) / 4 - 2.5,
      active: n % 7 === 0 ? null : n % 2 === 0,
      seen_at: n % 10 === 0 ? null : new Date(Date.UTC(2024, 0, 1) + ((n * 7919) % 500) * 3_600_000 + n).toISOString(),
      day: n % 12 === 0 ? null : `2024-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + ((n * 3) % 28)).padStart(2, '0')}`,
      ref: n % 9 === 4 ? null : uuid((((n * 37) % 16) * 0x11111111).toString(16).padStart(8, '0').slice(-8), n % 5),
      color: n % 8 === 3 ? null : pick(COLORS, 1),
      meta: [
        { a: 1, b: 'two', c: [1, 2] },
        { a: 2 },
        [1, 'x'],
        'x',
        7,
        null,
        { b: 'two', d: { e: true } },
        { a: 1, b: 'three' },
      ][n % 8],
      tags: n % 10 === 7 ? null : TAGS.filter((_, i) => ((n >> i) & 1) === 1).slice(0, 3),
      scores: n % 9 === 5 ? null : Array.from({ length: n % 4 }, (_, i) => (n * (i + 3)) % 7),
      dims: n % 6 === 1 ? null : { width: n % 5 === 0 ? null : (n * 3) % 11, unit: pick(['cm', 'mm', 'In', null], 3) },
    };
    // Missing keys read as SQL NULL too.
    if (n % 11 === 0) {
      delete data.name;
      delete data.count;
      delete data.tags;
      delete data.dims;
    }
    items.push({ id: uuid('00000000', n), code: n % 10 === 4 ? null : pick(TEXTS, 3), qty: n % 7 === 0 ? null : ((n * 37) % 50) - 10, data });
    for (let k = 0; k < n % 3; k++) {
      const id = uuid('11111111', n * 10 + k);
      parts.push({ id, item_id: uuid('00000000', n), data: { id, item_id: uuid('00000000', n), kind: ['bolt', 'nut', 'Gear', null][(n + k) % 4], weight: (n + k * 3) % 5 === 0 ? null : ((n * 3 + k) % 9) / 2 } });
    }
  }
  return { items, parts };
}

/** Creates the fixture's tables and views (once per database). */
export async function createFixtureTables(pool: pg.Pool): Promise<void> {
  await pool.query(await readFile(path.join(filtersDir, 'schema.sql'), 'utf8'));
}

/** Replaces the rows (values travel as one JSON parameter). */
export async function loadRows(pool: pg.Pool, rows: { items: readonly ItemRow[]; parts: readonly PartRow[] }): Promise<void> {
  await pool.query('TRUNCATE tb_item, tb_part');
  await pool.query(
    'INSERT INTO tb_item (id, code, qty, data) SELECT id, code, qty, data FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, code text, qty integer, data jsonb)',
    [JSON.stringify(rows.items)],
  );
  await pool.query(
    'INSERT INTO tb_part (id, item_id, data) SELECT id, item_id, data FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, item_id uuid, data jsonb)',
    [JSON.stringify(rows.parts)],
  );
}
