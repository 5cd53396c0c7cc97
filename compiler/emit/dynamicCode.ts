// Generates, per input type, the tables that turn a whole variable (`where: $where`,
// `orderBy: $order`, `title: $titleFilter`) into SQL at run time. The walking, the checks and the
// operators live in the runtime (runtime/filters/*, typed and tested); a module only says, for each
// type it filters or orders, which field reads which column or data key and takes which input.
// The text of the fragments is the statement's shape: the runtime caches one named prepared
// statement per shape (see DYNAMIC_SHAPE_OF_SOURCE in emitModule.ts).
import {
  getNamedType,
  isEnumType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { BoundView, ViewCatalog } from '../metadata/checkSchema.js';
import { sqlTypeOfScalar } from '../plan/sqlTypes.js';
import { isListOutput, relationOf, textSearchConfigOf, type RelationSpec } from '../schema/model.js';
import { fieldSource, filterTarget, jsonRootOfColumn } from '../plan/fieldSource.js';
import { DATA_ROOT, type FieldSource } from '../plan/ir.js';
import { joinOf } from '../plan/join.js';
import type { SlotOut } from '../sql/emitSql.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { filterFieldType } from '@fraise/runtime';
import type { RuntimeImports } from './runtimeImports.js';

export interface DynamicCodeContext {
  readonly schema: GraphQLSchema;
  readonly catalog: ViewCatalog;
  readonly imports: RuntimeImports;
  /** Registers a scalar or enum coercer and returns its expression in the module. */
  readonly coercer: (type: GraphQLNamedType) => string;
}

/** A JavaScript string literal, single-quoted when that needs no escapes (SQL identifiers read better). */
export function jsString(text: string): string {
  return /['\\\n\r\u2028\u2029]/.test(text) ? JSON.stringify(text) : `'${text}'`;
}

/** Builds the declarations on demand (types refer to each other, so each is generated once). */
export class DynamicCode {
  readonly #declarations = new Map<string, string>();
  readonly #views: string[] = [];
  constructor(readonly ctx: DynamicCodeContext) {}

  get used(): boolean {
    return this.#declarations.size > 0;
  }

  /** The expression computing one slot's SQL fragment from the variable's (coerced) value. */
  slotExpression(out: SlotOut, value: string): string {
    const { slot } = out;
    const use = this.ctx.imports.use.bind(this.ctx.imports);
    const path = jsString(slot.variable);
    const scope =
      out.alias !== null && out.data === `${out.alias}."data"`
        ? `${use('rowScope')}(${jsString(out.alias)})`
        : `{ data: ${jsString(out.data)}, alias: ${jsString(out.alias ?? '')} }`;
    if (slot.kind === 'where') {
      const input = this.where(slot.type, slot.view);
      return `(${value} == null ? 'TRUE' : ${use('filterWhere')}(${value}, ${path}, ${scope}, ${input}, builder, 0))`;
    }
    if (slot.kind === 'orderBy') {
      const input = this.orderBy(slot.type, slot.view);
      const tieBreak = out.tieBreak === null ? '' : `, ${jsString(out.tieBreak)}`;
      return `${use('orderList')}(${value}, ${path}, ${scope}, ${input}, builder${tieBreak})`;
    }
    const field = slot.type.getFields()[slot.field!]!;
    const target = this.target(field, scope, out.alias === null ? null : slot.view);
    return `(${value} == null ? 'TRUE' : ${use('filterField')}(${value}, ${path}, ${target.expression}, ${target.input}, builder))`;
  }

  /** Every declaration, for the module (in an order that only refers back, or inside functions). */
  source(): string {
    return [...this.#declarations.values()].join('\n\n');
  }

  /** Tables are per type and per view a row comes from (a root field's @view may differ from the type's). */
  private viewSuffix(type: GraphQLObjectType, view: BoundView | null): string {
    if (!view) return 'Embedded';
    if (view === this.ctx.catalog.get(type.name)) return '';
    let index = this.#views.indexOf(view.sqlName);
    if (index < 0) index = this.#views.push(view.sqlName) - 1;
    return `View${index}`;
  }

  /** The scope of an object a field holds: a key of the object in scope, or a JSON column of the row. */
  private innerScope(source: FieldSource): string {
    const use = this.ctx.imports.use.bind(this.ctx.imports);
    if (source.kind === 'Key') return `${use('embeddedScope')}(scope, ${jsString(quoteLiteral(source.key))})`;
    const root = jsonRootOfColumn(source.column, source.sqlType);
    return `${use('columnScope')}(scope, ${jsString(quoteIdent(root.column))}, ${jsString(root.as)})`;
  }

  // ---- where ----

  /** The `<Type>Where` table of a type, as a row of `view` or (view null) as an embedded object. */
  where(type: GraphQLObjectType, view: BoundView | null): string {
    const name = `whereOf${type.name}${this.viewSuffix(type, view)}`;
    if (this.#declarations.has(name)) return name;
    this.#declarations.set(name, '');
    const use = this.ctx.imports.use.bind(this.ctx.imports);
    const fields: string[] = [];
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const label = fieldLabel(field.name);
      if (isObjectType(named)) {
        const relation = relationOf(this.ctx.schema, field);
        if (!relation) {
          if (isListOutput(field.type)) continue; // embedded lists of objects have no filter
          const inner = this.where(named, null);
          const scope = this.innerScope(fieldSource(this.ctx.schema, view, field));
          fields.push(`${label}: (value, path, scope, builder, depth) => ${use('filterWhere')}(value, path, ${scope}, ${inner}, builder, depth + 1),`);
          continue;
        }
        const target = this.ctx.catalog.get(named.name);
        if (!target) continue;
        if (!view) {
          fields.push(`${label}: ${use('relationInEmbedded')},`);
          continue;
        }
        const inner = this.where(named, target);
        fields.push(`${label}: (value, path, scope, builder, depth) => ${use('whereRelated')}(value, path, scope, ${relationCode(target.sqlName, relation)}, ${inner}, builder, depth),`);
        continue;
      }
      const target = this.target(field, 'scope', view);
      fields.push(`${label}: (value, path, scope, builder) => ${use('filterField')}(value, path, ${target.expression}, ${target.input}, builder),`);
    }
    this.#declarations.set(
      name,
      `const ${name}: ${this.ctx.imports.type('WhereInput')} = ${use('whereInput')}(${jsString(`${type.name}Where`)}, {\n${fields.map((f) => `  ${f}`).join('\n')}\n});`,
    );
    return name;
  }

  /**
   * What a scalar (or scalar array) field of a row of `view` (null: of an embedded object) reads,
   * as decided for literal filters (compiler/plan/fieldSource.ts), and which filter input it takes.
   */
  private target(field: GraphQLField<unknown, unknown>, scope: string, view: BoundView | null): { expression: string; input: string } {
    const use = this.ctx.imports.use.bind(this.ctx.imports);
    const named = getNamedType(field.type);
    const list = isListOutput(field.type);
    const input = this.filterInput(named, list);
    const source = fieldSource(this.ctx.schema, view, field);
    if (list) {
      if (source.kind === 'Column') {
        // An array (or jsonb) column: compared as jsonb, like an array inside data.
        const root = jsonRootOfColumn(source.column, source.sqlType);
        return { expression: `${use('jsonColumnOf')}(${scope}, ${jsString(quoteIdent(root.column))}, ${jsString(root.as)}, 'jsonb')`, input };
      }
      return { expression: `${use('keyOf')}(${scope}, ${jsString(quoteLiteral(source.key))}, 'jsonb')`, input };
    }
    const sqlType = sqlTypeOfScalar(named);
    const target = filterTarget(source, view, DATA_ROOT, [], sqlType);
    const expression =
      target.kind === 'Column'
        ? `${use('columnOf')}(${scope}, ${jsString(quoteIdent(target.column))}, ${jsString(target.sqlType)})`
        : `${use('keyOf')}(${scope}, ${jsString(quoteLiteral(target.path[target.path.length - 1]!))}, ${jsString(sqlType)})`;
    // Full-text operators parse queries in the field's @textSearch configuration.
    const config = filterFieldType(named.name, isEnumType(named)) === 'TSVector' ? textSearchConfigOf(this.ctx.schema, field) : null;
    if (config === null) return { expression, input };
    return { expression: `${use('searchIn')}(${expression}, ${jsString(quoteLiteral(config))})`, input };
  }

  /** `<Scalar>Filter` / `<Enum>Filter` / `<Scalar>ListFilter`: the operators of the table for the type. */
  private filterInput(type: GraphQLNamedType, list: boolean): string {
    const name = `filterOf${type.name}${list ? 'List' : ''}`;
    if (this.#declarations.has(name)) return name;
    const fieldType = filterFieldType(type.name, isEnumType(type)) ?? 'enum';
    const coerce = this.ctx.coercer(type);
    const call = `${this.ctx.imports.use('filterInput')}(${jsString(type.name)}, ${jsString(fieldType)}, ${coerce}${list ? ', true' : ''})`;
    this.#declarations.set(name, `const ${name}: ${this.ctx.imports.type('FilterInput')} = ${call};`);
    return name;
  }

  // ---- orderBy ----

  /** The `<Type>OrderBy` table of a type, as a row of `view` or (view null) as an embedded object. */
  orderBy(type: GraphQLObjectType, view: BoundView | null): string {
    const name = `orderOf${type.name}${this.viewSuffix(type, view)}`;
    if (this.#declarations.has(name)) return name;
    this.#declarations.set(name, '');
    const use = this.ctx.imports.use.bind(this.ctx.imports);
    const fields: string[] = [];
    for (const field of Object.values(type.getFields())) {
      if (isListOutput(field.type)) continue;
      const named = getNamedType(field.type);
      const label = fieldLabel(field.name);
      if (isObjectType(named)) {
        const relation = relationOf(this.ctx.schema, field);
        if (!relation) {
          const inner = this.orderBy(named, null);
          const scope = this.innerScope(fieldSource(this.ctx.schema, view, field));
          fields.push(`${label}: (value, path, scope, builder, terms, depth) => ${use('orderObject')}(value, path, ${scope}, ${inner}, builder, terms, depth + 1),`);
          continue;
        }
        const target = this.ctx.catalog.get(named.name);
        if (!target || !view) continue;
        const inner = this.orderBy(named, target);
        fields.push(
          `${label}: (value, path, scope, builder, terms, depth) => ${use('orderRelated')}(value, path, scope, ${relationCode(target.sqlName, relation)}, ${inner}, builder, terms, depth),`,
        );
        continue;
      }
      if (named.name === 'JSON') continue;
      const target = this.target(field, 'scope', view).expression;
      fields.push(`${label}: (value, path, scope, builder, terms) => ${use('orderTerm')}(value, path, ${target}.typed, builder, terms),`);
    }
    this.#declarations.set(
      name,
      `const ${name}: ${this.ctx.imports.type('OrderInput')} = ${use('orderInput')}(${jsString(`${type.name}OrderBy`)}, {\n${fields.map((f) => `  ${f}`).join('\n')}\n});`,
    );
    return name;
  }
}

/** A property name of a generated table (GraphQL names are identifiers). */
function fieldLabel(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : JSON.stringify(name);
}

/** A relation's related view and join columns, as the runtime's FilterRelation. */
function relationCode(viewSql: string, relation: RelationSpec): string {
  const join = joinOf(relation);
  return `{ view: ${jsString(viewSql)}, inner: ${jsString(quoteIdent(join.innerColumn))}, outer: ${jsString(quoteIdent(join.outerColumn))} }`;
}
