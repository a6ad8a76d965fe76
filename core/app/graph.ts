/**
 * The pipeline graph the editor draws beside the text: data sources, then sources → provisioners in order →
 * post-processor chains.
 * It is a view of the evaluated model; every node keeps its block's range so a click lands in the text.
 */
import type { GraphEdge, GraphNode, PipelineGraph } from '../contract/types';
import type { PlannedBuild, TemplateModel } from '../template/model';
import type { Block } from '../template/hcl/ast';
import type { Diagnostic, Range } from '../template/source';
import { parsedHcl } from './parsed-hcl';

/** Finds the whole block (header to closing brace) a model range starts; the model keeps only the header's range. */
export type BlockRangeOf = (header: Range) => Range;

export function pipelineGraph(model: TemplateModel | undefined, diagnostics: readonly Diagnostic[], blockRange: BlockRangeOf = (r) => r): PipelineGraph {
  if (!model) return { nodes: [], edges: [] };
  const inside = (r: Range, d: readonly Diagnostic[]) => diagnosticsWithin(blockRange(r), d);
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const addEdge = (from: string, to: string) => edges.set(`${from}→${to}`, { from, to });
  const builds = model.builds.flatMap((b) => b.builds);

  for (const build of builds) {
    const sourceId = addSource(nodes, model, build, (r) => diagnosticsWithin(r, diagnostics), blockRange);
    let last = sourceId;
    for (const p of build.provisioners) {
      const id = nodeId('provisioner', p.range);
      const node = nodes.get(id) ?? addNode(nodes, { id, kind: 'provisioner', type: p.type, label: p.name ?? p.type, range: blockRange(p.range), appliesTo: [], diagnostics: inside(p.range, diagnostics) });
      if (!node.appliesTo?.includes(build.name)) node.appliesTo?.push(build.name);
      addEdge(last, id);
      last = id;
    }
    for (const chain of build.postProcessors) {
      let prev = last;
      for (const pp of chain) {
        const id = nodeId('post-processor', pp.range);
        const node = nodes.get(id) ?? addNode(nodes, { id, kind: 'post-processor', type: pp.type, label: pp.name ?? pp.type, range: blockRange(pp.range), appliesTo: [], diagnostics: inside(pp.range, diagnostics) });
        if (!node.appliesTo?.includes(build.name)) node.appliesTo?.push(build.name);
        addEdge(prev, id);
        prev = id;
      }
    }
  }
  // Sources no build uses still belong in the picture: they are what the user is writing next.
  for (const s of model.sources) {
    const id = `source:${s.type}.${s.name}`;
    if (!nodes.has(id)) addNode(nodes, { id, kind: 'source', type: s.type, label: `${s.type}.${s.name}`, range: blockRange(s.range), diagnostics: inside(s.range, diagnostics) });
  }
  // Data sources run before anything else, as Packer evaluates them when it loads the template.
  for (const d of model.dataSources) {
    const id = `data:${d.type}.${d.name}`;
    if (!nodes.has(id)) addNode(nodes, { id, kind: 'data', type: d.type, label: `${d.type}.${d.name}`, range: blockRange(d.range), diagnostics: inside(d.range, diagnostics) });
  }
  // Data sources, sources, provisioners, then post-processors, each in the order they are written: the order the graph lays out.
  const rank = { data: 0, source: 1, provisioner: 2, 'post-processor': 3 } as const;
  const ordered = [...nodes.values()].sort((a, b) => rank[a.kind] - rank[b.kind] || compareRanges(a.range, b.range));
  return { nodes: ordered, edges: [...edges.values()] };
}

function compareRanges(a: Range | undefined, b: Range | undefined): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  if (a.filename !== b.filename) return a.filename < b.filename ? -1 : 1;
  return a.start.byte - b.start.byte;
}

function addSource(nodes: Map<string, GraphNode>, model: TemplateModel, build: PlannedBuild, inside: (r: Range) => Diagnostic[], blockRange: BlockRangeOf): string {
  const declared = model.sources.find((s) => s.type === build.type && s.name === build.sourceName);
  const id = `source:${build.type}.${build.sourceName}`;
  if (!nodes.has(id)) {
    const range = blockRange(declared?.range ?? build.range);
    addNode(nodes, { id, kind: 'source', type: build.type, label: `${build.type}.${build.sourceName}`, range, diagnostics: inside(range) });
  }
  return id;
}

function addNode(nodes: Map<string, GraphNode>, node: GraphNode): GraphNode {
  nodes.set(node.id, node);
  return node;
}

/** Blocks are identified by where they are written: the same provisioner block serves several builds. */
function nodeId(kind: string, range: Range): string {
  return `${kind}:${range.filename}:${range.start.line}:${range.start.column}`;
}

/** Diagnostics whose start lies within `range`. */
export function diagnosticsWithin(range: Range, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.range !== undefined && d.range.filename === range.filename && d.range.start.byte >= range.start.byte && d.range.start.byte <= range.end.byte);
}

/** Whole-block ranges of every block in the HCL native files, keyed by where the block's header starts. */
export function blockRangesOf(files: ReadonlyArray<{ filename: string; text: string }>): BlockRangeOf {
  const byStart = new Map<string, Range>();
  const visit = (blocks: readonly Block[]) => {
    for (const b of blocks) {
      byStart.set(`${b.range.filename}:${b.range.start.byte}`, b.range);
      visit(b.body.blocks);
    }
  };
  for (const f of files) if (f.filename.endsWith('.hcl')) visit(parsedHcl(f.text, f.filename).body.blocks);
  return (header) => byStart.get(`${header.filename}:${header.start.byte}`) ?? header;
}
