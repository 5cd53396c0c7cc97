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
import type { ViewCatalog } from '../metadata/checkSchema.js';
import { sqlTypeOfScalar } from '../plan/sqlTypes.js';
import { isListOutput, jsonKeyOf, relationOf, type RelationSpec } from '../schema/model.js';
import { joinOf } from '../plan/join.js';
import type { SlotOut } from '../sql/emitSql.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { filterFieldType } from '../../runtime/filters/operators.js';
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
      const input = this.where(slot.type, slot.view !== null);
      return `(${value} == null ? 'TRUE' : ${use('filterWhere')}(${value}, ${path}, ${scope}, ${input}, builder, 0))`;
    }
    if (slot.kind === 'orderBy') {
      const input = this.orderBy(slot.type, slot.view !== null);
      const tieBreak = out.tieBreak === null ? '' : `, ${jsString(out.tieBreak)}`;
      return `${use('orderList')}(${value}, ${path}, ${scope}, ${input}, builder${tieBreak})`;
    }
    const field = slot.type.getFields()[slot.field!]!;
    const target = this.target(field, scope, slot.view !== null && out.alias !== null ? slot.type : null);
    return `(${value} == null ? 'TRUE' : ${use('filterField')}(${value}, ${path}, ${target.expression}, ${target.input}, builder))`;
  }

  /** Every declaration, for the module (in an order that only refers back, or inside functions). */
  source(): string {
    return [...this.#declarations.values()].join('\n\n');
  }

  // ---- where ----

  /** The `<Type>Where` table of a type, as a view row (`row`) or as an object embedded in data. */
  where(type: GraphQLObjectType, row: boolean): string {
    const name = `whereOf${type.name}${row ? '' : 'Embedded'}`;
    if (this.#declarations.has(name)) return name;
    this.#declarations.set(name, '');
    const use = this.ctx.imports.use.bind(this.ctx.imports);
    const view = row ? this.ctx.catalog.get(type.name) : undefined;
    const fields: string[] = [];
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const label = fieldLabel(field.name);
      if (isObjectType(named)) {
        const relation = relationOf(this.ctx.schema, field);
        if (!relation) {
          if (isListOutput(field.type)) continue; // embedded lists of objects have no filter
          const inner = this.where(named, false);
          const key = jsString(quoteLiteral(jsonKeyOf(this.ctx.schema, field)));
          fields.push(`${label}: (value, path, scope, builder, depth) => ${use('filterWhere')}(value, path, ${use('embeddedScope')}(scope, ${key}), ${inner}, builder, depth + 1),`);
          continue;
        }
        const target = this.ctx.catalog.get(named.name);
        if (!target) continue;
        if (!view) {
          fields.push(`${label}: ${use('relationInEmbedded')},`);
          continue;
        }
        const inner = this.where(named, true);
        fields.push(`${label}: (value, path, scope, builder, depth) => ${use('whereRelated')}(value, path, scope, ${relationCode(target.sqlName, relation)}, ${inner}, builder, depth),`);
        continue;
      }
      const target = this.target(field, 'scope', view ? type : null);
      fields.push(`${label}: (value, path, scope, builder) => ${use('filterField')}(value, path, ${target.expression}, ${target.input}, builder),`);
    }
    this.#declarations.set(
      name,
      `const ${name}: ${this.ctx.imports.type('WhereInput')} = ${use('whereInput')}(${jsString(`${type.name}Where`)}, {\n${fields.map((f) => `  ${f}`).join('\n')}\n});`,
    );
    return name;
  }

  /**
   * What a scalar (or scalar array) field reads and which filter input it takes: a plain column of
   * the view when it has one named like the data key (`rowType` set), else the key of `data`.
   */
  private target(field: GraphQLField<unknown, unknown>, scope: string, rowType: GraphQLObjectType | null): { expression: string; input: string } {
    const use = this.ctx.imports.use.bind(this.ctx.imports);
    const named = getNamedType(field.type);
    const key = jsonKeyOf(this.ctx.schema, field);
    const list = isListOutput(field.type);
    const input = this.filterInput(named, list);
    const view = rowType ? this.ctx.catalog.get(rowType.name) : undefined;
    const columnType = key === 'data' || list ? undefined : view?.columns.get(key);
    if (columnType !== undefined) {
      return { expression: `${use('columnOf')}(${scope}, ${jsString(quoteIdent(key))}, ${jsString(columnType)})`, input };
    }
    const sqlType = list ? 'jsonb' : sqlTypeOfScalar(named);
    return { expression: `${use('keyOf')}(${scope}, ${jsString(quoteLiteral(key))}, ${jsString(sqlType)})`, input };
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

  /** The `<Type>OrderBy` table of a type, as a view row or as an embedded object. */
  orderBy(type: GraphQLObjectType, row: boolean): string {
    const name = `orderOf${type.name}${row ? '' : 'Embedded'}`;
    if (this.#declarations.has(name)) return name;
    this.#declarations.set(name, '');
    const use = this.ctx.imports.use.bind(this.ctx.imports);
    const view = row ? this.ctx.catalog.get(type.name) : undefined;
    const fields: string[] = [];
    for (const field of Object.values(type.getFields())) {
      if (isListOutput(field.type)) continue;
      const named = getNamedType(field.type);
      const key = jsonKeyOf(this.ctx.schema, field);
      const label = fieldLabel(field.name);
      if (isObjectType(named)) {
        const relation = relationOf(this.ctx.schema, field);
        if (!relation) {
          const inner = this.orderBy(named, false);
          fields.push(
            `${label}: (value, path, scope, builder, terms, depth) => ${use('orderObject')}(value, path, ${use('embeddedScope')}(scope, ${jsString(quoteLiteral(key))}), ${inner}, builder, terms, depth + 1),`,
          );
          continue;
        }
        const target = this.ctx.catalog.get(named.name);
        if (!target || !view) continue;
        const inner = this.orderBy(named, true);
        fields.push(
          `${label}: (value, path, scope, builder, terms, depth) => ${use('orderRelated')}(value, path, scope, ${relationCode(target.sqlName, relation)}, ${inner}, builder, terms, depth),`,
        );
        continue;
      }
      if (named.name === 'JSON') continue;
      const target = this.target(field, 'scope', view ? type : null).expression;
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
