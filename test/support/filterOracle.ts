// A plain JavaScript evaluation of Fraise filters over the rows of the filter fixture
// (test/filters): the oracle the compiled SQL is compared with. It shares no code with the
// compiler and follows docs/filters.md: SQL's three-valued logic (a comparison with a null field is
// unknown, NOT unknown is unknown, a row is kept only when its filter is true), "C" collation
// (text order is code point order, ILIKE and `~*` fold ASCII letters only), jsonb semantics.
import type { ItemRow, PartRow } from '../filters/itemData.js';
import { and, foldAscii, jsonContains, jsonEqual, jsonGet, jsonHasKey, like, not, or, type Tri } from './pgSemantics.js';

type Kind = 'text' | 'int' | 'float' | 'bool' | 'timestamptz' | 'date' | 'uuid' | 'json' | 'list';

interface FieldSpec {
  readonly key: string;
  readonly kind: Kind;
  /** Read from the view's plain column of that name instead of data. */
  readonly column?: boolean;
  /** An embedded object (`Dims`), or a relation to parts (`parts`) / the item (`item`). */
  readonly embedded?: Record<string, FieldSpec>;
  readonly relation?: 'parts' | 'item';
}

const DIMS: Record<string, FieldSpec> = { width: { key: 'width', kind: 'int' }, unit: { key: 'unit', kind: 'text' } };

export const ITEM_FIELDS: Record<string, FieldSpec> = {
  id: { key: 'id', kind: 'uuid', column: true },
  code: { key: 'code', kind: 'text', column: true },
  qty: { key: 'qty', kind: 'int', column: true },
  name: { key: 'name', kind: 'text' },
  label: { key: 'label', kind: 'text' },
  count: { key: 'count', kind: 'int' },
  price: { key: 'price', kind: 'float' },
  active: { key: 'active', kind: 'bool' },
  seenAt: { key: 'seen_at', kind: 'timestamptz' },
  day: { key: 'day', kind: 'date' },
  ref: { key: 'ref', kind: 'uuid' },
  color: { key: 'color', kind: 'text' },
  meta: { key: 'meta', kind: 'json' },
  tags: { key: 'tags', kind: 'list' },
  scores: { key: 'scores', kind: 'list' },
  dims: { key: 'dims', kind: 'json', embedded: DIMS },
  parts: { key: 'parts', kind: 'json', relation: 'parts' },
};

export const PART_FIELDS: Record<string, FieldSpec> = {
  id: { key: 'id', kind: 'uuid', column: true },
  itemId: { key: 'item_id', kind: 'uuid', column: true },
  kind: { key: 'kind', kind: 'text' },
  weight: { key: 'weight', kind: 'float' },
  item: { key: 'item', kind: 'json', relation: 'item' },
};

export interface Dataset {
  readonly items: readonly ItemRow[];
  readonly parts: readonly PartRow[];
}

type Where = Readonly<Record<string, unknown>>;

/** The ids of the items the filter keeps, in id order. */
export function selectItems(data: Dataset, where: Where): string[] {
  return data.items
    .filter((item) => matches(data, ITEM_FIELDS, { columns: item as unknown as Record<string, unknown>, value: item.data }, where) === true)
    .map((item) => item.id)
    .sort();
}

interface Obj {
  /** The row's plain columns (absent inside embedded objects). */
  readonly columns?: Record<string, unknown>;
  readonly value: unknown;
}

function matches(data: Dataset, fields: Record<string, FieldSpec>, o: Obj, where: Where): Tri {
  const results: Tri[] = [];
  for (const [name, arg] of Object.entries(where)) {
    if (arg === undefined) continue;
    if (name === 'AND' || name === 'OR') {
      const items = (Array.isArray(arg) ? arg : [arg]) as Where[];
      const parts = items.map((w) => matches(data, fields, o, w));
      results.push(name === 'AND' ? and(parts) : or(parts));
      continue;
    }
    if (name === 'NOT') {
      results.push(not(matches(data, fields, o, arg as Where)));
      continue;
    }
    const spec = fields[name];
    if (!spec) throw new Error(`oracle: unknown field ${name}`);
    const sub = arg as Where;
    if (spec.relation === 'parts') {
      // EXISTS: true when some related row matches, never unknown.
      const own = data.parts.filter((p) => p.item_id === o.columns?.['id']);
      results.push(own.some((p) => matches(data, PART_FIELDS, { columns: p as unknown as Record<string, unknown>, value: p.data }, sub) === true));
    } else if (spec.relation === 'item') {
      const own = data.items.filter((i) => i.id === o.columns?.['item_id']);
      results.push(own.some((i) => matches(data, ITEM_FIELDS, { columns: i as unknown as Record<string, unknown>, value: i.data }, sub) === true));
    } else if (spec.embedded) {
      results.push(matches(data, spec.embedded, { value: jsonGet(o.value, spec.key) }, sub));
    } else {
      const raw = spec.column && o.columns ? (o.columns[spec.key] ?? null) : jsonGet(o.value, spec.key);
      results.push(fieldMatches(spec.kind, raw, sub));
    }
  }
  return and(results);
}

function fieldMatches(kind: Kind, raw: unknown, ops: Where): Tri {
  const results: Tri[] = [];
  for (const [op, arg] of Object.entries(ops)) {
    if (arg === undefined || arg === null) continue; // null isnull = omitted; other nulls are errors
    if (op === 'isnull') {
      results.push(arg ? raw === null : raw !== null);
      continue;
    }
    if (raw === null) {
      results.push(null);
      continue;
    }
    if (kind === 'list') results.push(listOp(op, raw, arg));
    else if (kind === 'json') results.push(jsonOp(op, raw, arg));
    else results.push(scalarOp(kind, op, raw, arg));
  }
  return and(results);
}

function compare(kind: Kind, a: unknown, b: unknown): number {
  switch (kind) {
    case 'text':
      return Buffer.compare(Buffer.from(String(a), 'utf8'), Buffer.from(String(b), 'utf8'));
    case 'uuid':
      return Buffer.compare(Buffer.from(String(a).toLowerCase()), Buffer.from(String(b).toLowerCase()));
    case 'timestamptz': {
      const x = Date.parse(String(a));
      const y = Date.parse(String(b));
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'date':
      return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
    case 'bool':
      return Number(a) - Number(b);
    default:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
}

function substring(text: string, part: string, where: 'in' | 'start' | 'end', insensitive: boolean): boolean {
  const t = insensitive ? foldAscii(text) : text;
  const p = insensitive ? foldAscii(part) : part;
  return where === 'in' ? t.includes(p) : where === 'start' ? t.startsWith(p) : t.endsWith(p);
}

function regex(text: string, pattern: string, insensitive: boolean): boolean {
  // The fixture's patterns mean the same in POSIX AREs and JavaScript; `i` folds ASCII only there.
  return insensitive ? new RegExp(foldAscii(pattern), 'u').test(foldAscii(text)) : new RegExp(pattern, 'u').test(text);
}

function scalarOp(kind: Kind, op: string, raw: unknown, arg: unknown): boolean {
  const text = String(raw);
  const s = arg as string;
  switch (op) {
    case 'eq': return compare(kind, raw, arg) === 0;
    case 'neq': return compare(kind, raw, arg) !== 0;
    case 'gt': return compare(kind, raw, arg) > 0;
    case 'gte': return compare(kind, raw, arg) >= 0;
    case 'lt': return compare(kind, raw, arg) < 0;
    case 'lte': return compare(kind, raw, arg) <= 0;
    case 'in': return (arg as unknown[]).some((v) => compare(kind, raw, v) === 0);
    case 'nin': return !(arg as unknown[]).some((v) => compare(kind, raw, v) === 0);
    case 'like': return like(text, s, false);
    case 'ilike': return like(text, s, true);
    case 'contains': return substring(text, s, 'in', false);
    case 'icontains': return substring(text, s, 'in', true);
    case 'startswith': return substring(text, s, 'start', false);
    case 'istartswith': return substring(text, s, 'start', true);
    case 'endswith': return substring(text, s, 'end', false);
    case 'iendswith': return substring(text, s, 'end', true);
    case 'matches': return regex(text, s, false);
    case 'imatches': return regex(text, s, true);
    case 'not_matches': return !regex(text, s, false);
    default: throw new Error(`oracle: unknown operator ${op}`);
  }
}

function jsonOp(op: string, raw: unknown, arg: unknown): boolean {
  switch (op) {
    case 'eq': return jsonEqual(raw, arg);
    case 'neq': return !jsonEqual(raw, arg);
    case 'has_key': return jsonHasKey(raw, arg as string);
    case 'has_any_keys': return (arg as string[]).some((k) => jsonHasKey(raw, k));
    case 'has_all_keys': return (arg as string[]).every((k) => jsonHasKey(raw, k));
    case 'contains': return jsonContains(raw, arg);
    case 'contained_by': return jsonContains(arg, raw);
    default: throw new Error(`oracle: unknown JSON operator ${op}`);
  }
}

function listOp(op: string, raw: unknown, arg: unknown): Tri {
  if (!Array.isArray(raw)) return op.startsWith('len_') || op === 'overlaps' ? null : jsonContains(op === 'contains' ? raw : arg, op === 'contains' ? arg : raw);
  const n = arg as number;
  switch (op) {
    case 'contains': return jsonContains(raw, arg);
    case 'contained_by': return jsonContains(arg, raw);
    case 'overlaps': return raw.some((e) => (arg as unknown[]).some((a) => jsonEqual(e, a)));
    case 'len_eq': return raw.length === n;
    case 'len_neq': return raw.length !== n;
    case 'len_gt': return raw.length > n;
    case 'len_gte': return raw.length >= n;
    case 'len_lt': return raw.length < n;
    case 'len_lte': return raw.length <= n;
    default: throw new Error(`oracle: unknown array operator ${op}`);
  }
}

/**
 * The ids of the items the filter keeps, in the order of `orderBy` (scalar fields of Item, in
 * PostgreSQL's null placement: ASC puts nulls last, DESC first) and then id.
 */
export function orderItems(data: Dataset, where: Where, orderBy: readonly Readonly<Record<string, string>>[]): string[] {
  const kept = new Set(selectItems(data, where));
  const terms = orderBy.flatMap((item) => Object.entries(item));
  const value = (item: ItemRow, name: string): unknown => {
    const spec = ITEM_FIELDS[name]!;
    return spec.column ? ((item as unknown as Record<string, unknown>)[spec.key] ?? null) : jsonGet(item.data, spec.key);
  };
  return data.items
    .filter((i) => kept.has(i.id))
    .sort((a, b) => {
      for (const [name, direction] of terms) {
        const x = value(a, name);
        const y = value(b, name);
        const nullsFirst = direction === 'DESC' || direction.endsWith('NULLS_FIRST');
        if (x === null && y === null) continue;
        if (x === null) return nullsFirst ? -1 : 1;
        if (y === null) return nullsFirst ? 1 : -1;
        const c = compare(ITEM_FIELDS[name]!.kind, x, y);
        if (c !== 0) return direction.startsWith('DESC') ? -c : c;
      }
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    })
    .map((i) => i.id);
}
