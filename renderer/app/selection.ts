/**
 * The selected node across analyses. A block's node id carries its line (core/app/graph.ts), so text typed above it —
 * or a setting added to an earlier block from its form — gives it a new id; the selection follows it to the node of the
 * same kind and label in the same place among its likes, instead of vanishing with its form.
 */
import type { GraphNode, PipelineGraph } from '../../core/contract/types';

const likeOf = (n: GraphNode) => `${n.kind}\u0000${n.label}`;

export function followSelection(before: PipelineGraph | undefined, after: PipelineGraph, selected: string | undefined): string | undefined {
  if (selected === undefined || after.nodes.some((n) => n.id === selected)) return selected;
  const old = before?.nodes.find((n) => n.id === selected);
  if (!old) return undefined;
  const like = likeOf(old);
  const ordinal = before!.nodes.filter((n) => likeOf(n) === like).indexOf(old);
  return after.nodes.filter((n) => likeOf(n) === like)[ordinal]?.id;
}
