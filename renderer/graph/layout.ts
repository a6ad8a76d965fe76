/** Places the pipeline top to bottom with dagre: sources, then provisioners in order, then post-processor chains. */
import { Graph, layout } from '@dagrejs/dagre';
import type { PipelineGraph } from '../../core/contract/types';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 64;

/** The last layout, keyed by the graph's shape: typing inside a block moves node ids (they hold line numbers) but not the shape. */
let cached: { shape: string; points: Array<{ x: number; y: number }> } | undefined;

function shapeOf(graph: PipelineGraph): string {
  const index = new Map(graph.nodes.map((n, i) => [n.id, i]));
  return `${graph.nodes.map((n) => `${n.kind}:${n.type}:${n.label}`).join('|')}#${graph.edges.map((e) => `${index.get(e.from)}>${index.get(e.to)}`).join(',')}`;
}

export function layoutGraph(graph: PipelineGraph): Map<string, { x: number; y: number }> {
  const shape = shapeOf(graph);
  if (cached?.shape === shape) return new Map(graph.nodes.map((n, i) => [n.id, cached!.points[i]]));
  const g = new Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of graph.edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of graph.nodes) {
    const p = g.node(n.id);
    out.set(n.id, { x: (p?.x ?? 0) - NODE_WIDTH / 2, y: (p?.y ?? 0) - NODE_HEIGHT / 2 });
  }
  cached = { shape, points: graph.nodes.map((n) => out.get(n.id)!) };
  return out;
}
