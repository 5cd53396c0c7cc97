// Checks the schema against the database: every @view exists, every field of a view without `data`
// has its column, every column a relation, lookup or @column names exists. Returns the resolved
// views for the planner: one per @view type, and one per root field with its own @view (keyed
// `Query.<field>`, see viewOfRootField).
import {
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  type ASTNode,
  type GraphQLArgument,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { type Diagnostic, diagnostic, didYouMean } from '../diagnostics.js';
import { ARGUMENT_OPERATORS, TEXT_SEARCH_OPERATORS } from '../schema/prelude.js';
import { columnOf, compareColumnOf, connectionNodeOf, dataKeyOf, fieldViewOf, filterSpecOf, isListOutput, jsonKeyOf, relationOf, viewNameOf } from '../schema/model.js';
import { quoteIdent } from '../sql/quote.js';
import { dataKeyColumns } from './viewColumns.js';
import { derivedKeys, type DerivedKey } from './viewDerived.js';
import { relationFacts } from './viewFacts.js';
import { indexMetadata } from './resolve.js';
import type { DatabaseMetadata } from './types.js';

export interface BoundView {
  readonly typeName: string;
  /** Quoted, schema-qualified relation name for SQL. */
  readonly sqlName: string;
  /** A (non-materialised) view: its `data` is computed at each reference. */
  readonly isView: boolean;
  /** The relation has a `data jsonb` column (FraiseQL v1 style); without it fields read columns. */
  readonly hasData: boolean;
  /** Column name -> PostgreSQL type. */
  readonly columns: ReadonlyMap<string, string>;
  /** `data` key -> the column proven to hold the same value (viewColumns.ts); read instead of the key. */
  readonly dataColumns: ReadonlyMap<string, string>;
  /** `data` keys computable from the view's columns (viewDerived.ts): computed when a row needs no other key. */
  readonly derivedKeys: ReadonlyMap<string, DerivedKey>;
  /** Columns proven never NULL (viewFacts.ts): a non-null field reading one needs no null mark. */
  readonly nonNullColumns: ReadonlySet<string>;
  /** `data` keys proven always present and never JSON null (viewFacts.ts). */
  readonly nonNullKeys: ReadonlySet<string>;
  /** Columns proven unique and never NULL (viewFacts.ts): an ordering by one needs no tie-breaker. */
  readonly keyColumns: ReadonlySet<string>;
  /** Columns that read a stored column as it is, no expression per row (viewFacts.ts). */
  readonly plainColumns: ReadonlySet<string>;
}

export type ViewCatalog = ReadonlyMap<string, BoundView>;

const LIST_ARGUMENTS = new Set(['where', 'orderBy', 'limit', 'offset']);
const CONNECTION_ARGUMENTS = new Set(['where', 'orderBy', 'first', 'last', 'after', 'before']);

export function checkSchema(
  schema: GraphQLSchema,
  metadata: DatabaseMetadata,
): { catalog: ViewCatalog; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const catalog = new Map<string, BoundView>();
  const resolved = indexMetadata(metadata);
  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'),
  );

  const bind = (ownerName: string, viewName: string, node: ASTNode | undefined): BoundView | undefined => {
    const relation = resolved.relation(viewName);
    if (!relation) {
      const suggestion = didYouMean(viewName, resolved.visibleNames);
      diagnostics.push(
        diagnostic(
          'FRAISE_UNKNOWN_VIEW',
          `${ownerName} is backed by view "${viewName}", which does not exist in the database.`,
          node,
          suggestion ? `Did you mean "${suggestion}"?` : 'Create the view, or fix the name in @view(name:).',
        ),
      );
      return undefined;
    }
    const columns = new Map(relation.columns.map((c) => [c.name, c.type]));
    const facts = relationFacts(resolved, relation);
    return {
      typeName: '',
      sqlName: `${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`,
      isView: relation.kind === 'view',
      hasData: columns.get('data') === 'jsonb',
      columns,
      dataColumns: relation.kind === 'view' ? dataKeyColumns(relation.definition, columns) : new Map(),
      derivedKeys: columns.get('data') === 'jsonb' ? derivedKeys(relation, metadata.searchPath) : new Map(),
      nonNullColumns: facts.nonNullColumns,
      nonNullKeys: columns.get('data') === 'jsonb' ? facts.nonNullKeys : new Set(),
      keyColumns: new Set([...facts.uniqueColumns].filter((c) => facts.nonNullColumns.has(c))),
      plainColumns: facts.plainColumns,
    };
  };

  for (const type of objectTypes) {
    const viewName = viewNameOf(schema, type);
    if (viewName === undefined) continue;
    const node = type.astNode?.directives?.find((d) => d.name.value === 'view');
    const view = bind(`Type "${type.name}"`, viewName, node);
    if (!view) continue;
    catalog.set(type.name, { ...view, typeName: type.name });
    checkFieldColumns(schema, type, catalog.get(type.name)!, viewName, diagnostics);
  }
  // `searchPosts: [Post!]! @view(name: "v_post_search")`: the same type from another view.
  const queryType = schema.getQueryType();
  for (const field of Object.values(queryType?.getFields() ?? {})) {
    const viewName = fieldViewOf(schema, field);
    if (viewName === undefined) continue;
    const node = field.astNode?.directives?.find((d) => d.name.value === 'view');
    const target = connectionNodeOf(schema, field.type) ?? getNamedType(field.type);
    if (!isObjectType(target) || viewNameOf(schema, target) === undefined) {
      diagnostics.push(
        diagnostic('FRAISE_BAD_VIEW', `@view on "Query.${field.name}" needs a type with its own @view.`, node,
          `Add @view(name: "...") to type ${target.name}; the field's @view then overrides it.`),
      );
      continue;
    }
    const view = bind(`Root field "Query.${field.name}"`, viewName, node);
    if (!view) continue;
    catalog.set(rootViewKey(field.name), { ...view, typeName: target.name });
    checkFieldColumns(schema, target, catalog.get(rootViewKey(field.name))!, viewName, diagnostics);
  }

  const requireColumn = (view: BoundView | undefined, column: string, field: GraphQLField<unknown, unknown>, role: string): void => {
    if (!view || view.columns.has(column)) return;
    const suggestion = didYouMean(column, [...view.columns.keys()]);
    diagnostics.push(
      diagnostic(
        'FRAISE_UNKNOWN_COLUMN',
        `${role} "${column}" of field "${field.name}" is not a column of the view of "${view.typeName}".`,
        field.astNode,
        suggestion ? `Did you mean "${suggestion}"?` : `Columns: ${[...view.columns.keys()].join(', ')}.`,
      ),
    );
  };

  for (const type of objectTypes) {
    for (const field of Object.values(type.getFields())) {
      const relation = relationOf(schema, field);
      const connectionNode = connectionNodeOf(schema, field.type);
      const target = connectionNode ?? getNamedType(field.type);
      if (relation) {
        const here = catalog.get(type.name);
        const there = catalog.get(target.name);
        if (!isObjectType(target) || viewNameOf(schema, target) === undefined) {
          diagnostics.push(
            diagnostic('FRAISE_BAD_RELATION', `Relation "${type.name}.${field.name}" must point to a type with @view.`, field.astNode),
          );
          continue;
        }
        if (viewNameOf(schema, type) === undefined) {
          diagnostics.push(
            diagnostic('FRAISE_BAD_RELATION', `Relation "${type.name}.${field.name}" is on a type without @view.`, field.astNode,
              'Relations join views; an embedded object cannot have one.'),
          );
          continue;
        }
        if (Boolean(relation.foreignKey) === Boolean(relation.localKey)) {
          diagnostics.push(
            diagnostic('FRAISE_BAD_RELATION', `Relation "${type.name}.${field.name}" needs exactly one of foreignKey or localKey.`,
              field.astNode, 'foreignKey: a column of the other view; localKey: a column of this view.'),
          );
          continue;
        }
        if (relation.localKey && (isListOutput(field.type) || connectionNode)) {
          diagnostics.push(
            diagnostic('FRAISE_BAD_RELATION', `Relation "${type.name}.${field.name}" with localKey must return a single object.`,
              field.astNode, 'Use foreignKey for a one-to-many relation.'),
          );
          continue;
        }
        if (relation.foreignKey) {
          requireColumn(there, relation.foreignKey, field, 'foreignKey');
          requireColumn(here, relation.references, field, 'references');
        } else if (relation.localKey) {
          requireColumn(here, relation.localKey, field, 'localKey');
          requireColumn(there, relation.references, field, 'references');
        }
        checkListArguments(schema, type, field, there, diagnostics, isListOutput(field.type), connectionNode !== undefined);
      } else if (field.args.length > 0 && type !== schema.getQueryType() && type !== schema.getMutationType()) {
        diagnostics.push(
          diagnostic('FRAISE_UNSUPPORTED_ARGUMENTS', `Field "${type.name}.${field.name}" has arguments but is not a relation.`,
            field.astNode, 'Only root fields and @relation fields take arguments.'),
        );
      }
    }
  }

  const query = schema.getQueryType();
  for (const field of Object.values(query?.getFields() ?? {})) {
    const connectionNode = connectionNodeOf(schema, field.type);
    const target = connectionNode ?? getNamedType(field.type);
    const view = catalog.get(rootViewKey(field.name)) ?? catalog.get(target.name);
    if (!view) {
      if (viewNameOf(schema, target) === undefined && fieldViewOf(schema, field) === undefined) {
        diagnostics.push(
          diagnostic('FRAISE_UNBACKED_ROOT', `Root field "Query.${field.name}" returns "${target.name}", which has no @view.`,
            field.astNode, `Add @view(name: "...") to type ${target.name}.`),
        );
      }
      continue;
    }
    if (isListOutput(field.type) || connectionNode) {
      checkListArguments(schema, query!, field, view, diagnostics, true, connectionNode !== undefined);
    } else {
      for (const arg of field.args) requireColumn(view, dataKeyOf(schema, arg.name), field, 'Lookup argument');
    }
  }
  return { catalog, diagnostics };
}

/** The key under which the catalog holds the view of a root field that has its own @view. */
export const rootViewKey = (field: string): string => `Query.${field}`;

/** The view a root field reads: its own @view, else its type's. */
export function viewOfRootField(catalog: ViewCatalog, field: string, typeName: string): BoundView | undefined {
  return catalog.get(rootViewKey(field)) ?? catalog.get(typeName);
}

/**
 * Every field that reads a column (all fields of a view without `data`, and `@column` fields) must
 * find it, so a misspelt or missing column fails at compile time, not with a SQL error.
 */
export function checkFieldColumns(schema: GraphQLSchema, type: GraphQLObjectType, view: BoundView, viewName: string, diagnostics: Diagnostic[]): void {
  for (const field of Object.values(type.getFields())) {
    if (relationOf(schema, field) || connectionNodeOf(schema, field.type)) continue;
    const explicit = columnOf(schema, field);
    if (explicit === undefined && view.hasData) continue;
    const compare = compareColumnOf(schema, field);
    if (compare !== undefined && !view.columns.has(compare)) {
      const suggestion = didYouMean(compare, [...view.columns.keys()]);
      diagnostics.push(
        diagnostic(
          'FRAISE_UNKNOWN_COLUMN',
          `Field "${type.name}.${field.name}" compares column "${compare}", which view "${viewName}" does not have.`,
          field.astNode?.directives?.find((d) => d.name.value === 'column') ?? field.astNode,
          suggestion ? `Did you mean "${suggestion}"?` : `Columns: ${[...view.columns.keys()].join(', ')}.`,
        ),
      );
    }
    const column = explicit ?? jsonKeyOf(schema, field);
    if (view.columns.has(column)) continue;
    const suggestion = didYouMean(column, [...view.columns.keys()]);
    const directive = field.astNode?.directives?.find((d) => d.name.value === 'column');
    diagnostics.push(
      diagnostic(
        'FRAISE_UNKNOWN_COLUMN',
        `Field "${type.name}.${field.name}" reads column "${column}", which view "${viewName}" does not have.`,
        directive ?? field.astNode,
        suggestion
          ? `Did you mean "${suggestion}"? Name the column with @column(name: "${suggestion}").`
          : explicit === undefined
            ? `The view has no data column, so each field reads the column named like it. Columns: ${[...view.columns.keys()].join(', ')}.`
            : `Columns: ${[...view.columns.keys()].join(', ')}.`,
      ),
    );
  }
}

function checkListArguments(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  view: BoundView | undefined,
  diagnostics: Diagnostic[],
  isList: boolean,
  isConnection = false,
): void {
  for (const arg of field.args) {
    if (isConnection ? CONNECTION_ARGUMENTS.has(arg.name) : isList && LIST_ARGUMENTS.has(arg.name)) continue;
    if ((isList || isConnection) && !CONNECTION_ARGUMENTS.has(arg.name)) {
      // Any other argument filters the rows (FraiseQL's plain query arguments).
      if (view) checkFilterArgument(schema, type, field, arg, view, diagnostics);
      continue;
    }
    const hint = isConnection
      ? 'Connection fields take where, orderBy, first, last, after and before.'
      : isList ? 'List fields take where, orderBy, limit and offset, and filter arguments.' : 'Single-object relations take no arguments.';
    diagnostics.push(
      diagnostic('FRAISE_UNSUPPORTED_ARGUMENTS', `Argument "${arg.name}" of "${type.name}.${field.name}" is not supported.`, arg.astNode, hint),
    );
  }
}

function checkFilterArgument(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  arg: GraphQLArgument,
  view: BoundView,
  diagnostics: Diagnostic[],
): void {
  const where = `Argument "${arg.name}" of "${type.name}.${field.name}"`;
  const named = getNamedType(arg.type);
  const spec = filterSpecOf(schema, arg);
  const listValued = isListType(isNonNullType(arg.type) ? arg.type.ofType : arg.type);
  if (!isLeafType(named)) {
    diagnostics.push(diagnostic('FRAISE_UNSUPPORTED_ARGUMENTS', `${where} filters rows, so it must be a scalar or an enum.`, arg.astNode,
      'Use where: <Type>Where for structured filters.'));
    return;
  }
  if (!ARGUMENT_OPERATORS.includes(spec.op) && !TEXT_SEARCH_OPERATORS.includes(spec.op)) {
    diagnostics.push(diagnostic('FRAISE_UNSUPPORTED_ARGUMENTS', `${where} names the unknown operator "${spec.op}".`, arg.astNode,
      `Operators: ${[...new Set([...ARGUMENT_OPERATORS, ...TEXT_SEARCH_OPERATORS])].join(', ')}.`));
    return;
  }
  if ((spec.op === 'in' || spec.op === 'nin') !== listValued) {
    diagnostics.push(diagnostic('FRAISE_UNSUPPORTED_ARGUMENTS', `${where} ${listValued ? 'is a list, so its operator must be in or nin' : `uses "${spec.op}", which takes a list`}.`, arg.astNode,
      listValued ? 'Write @filter(op: "in").' : 'Declare the argument as a list: [Int!].'));
    return;
  }
  if (!view.columns.has(spec.column) && !view.hasData) {
    const suggestion = didYouMean(spec.column, [...view.columns.keys()]);
    diagnostics.push(diagnostic('FRAISE_UNKNOWN_COLUMN', `${where} filters on column "${spec.column}", which the view of "${view.typeName}" does not have.`,
      arg.astNode, suggestion ? `Did you mean "${suggestion}"? Name it with @filter(column: "${suggestion}").` : `Name the column with @filter(column: "..."). Columns: ${[...view.columns.keys()].join(', ')}.`));
  }
}
