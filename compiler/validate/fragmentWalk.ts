// An operation and the fragments it uses, walked as one document: every stage that looks through
// fragment spreads (validation, conditions, introspection, the persisted body) goes through here.
import { visit, type ASTNode, type ASTVisitor, type FragmentDefinitionNode } from 'graphql';

/**
 * Visits `roots` and every fragment they spread, directly or through other fragments, each fragment
 * once and at its first spread, so what a visitor collects comes in the order a reader meets it.
 * Spreads of unknown fragments are skipped (validation reports them). The visitor's own
 * FragmentSpread handler, if any, is not called: the walk owns spreads.
 * Returns the names of the fragments visited, in that order.
 */
export function visitWithFragments(
  roots: ASTNode | readonly ASTNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visitor: ASTVisitor = {},
): string[] {
  const seen = new Set<string>();
  const walk = (node: ASTNode): void => {
    visit(node, {
      ...visitor,
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) return;
        seen.add(name);
        walk(fragment);
      },
    });
  };
  for (const root of isNodeList(roots) ? roots : [roots]) walk(root);
  return [...seen];
}

function isNodeList(roots: ASTNode | readonly ASTNode[]): roots is readonly ASTNode[] {
  return Array.isArray(roots);
}

/** The names of the fragments `root` uses, directly or through other fragments, in name order. */
export function usedFragments(root: ASTNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): string[] {
  return visitWithFragments(root, fragments).sort();
}
