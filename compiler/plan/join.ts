// The one place a relation's direction becomes the columns that join it: the related row's
// column (inner) and the current row's (outer). Literal filters, orderings, selections and the
// whole-variable tables all join through it.
import type { RelationSpec } from '../schema/model.js';
import type { Join } from './ir.js';

export function joinOf(relation: RelationSpec): Join {
  return relation.localKey
    ? { innerColumn: relation.references, outerColumn: relation.localKey }
    : { innerColumn: relation.foreignKey!, outerColumn: relation.references };
}
