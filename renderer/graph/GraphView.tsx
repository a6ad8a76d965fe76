/**
 * The pipeline as a graph beside the text. Nodes show their state during a run and the errors inside their block;
 * selecting one reveals its block in the editor. Every change made here is a text edit (see actions).
 */
import { Background, BaseEdge, Controls, EdgeLabelRenderer, getBezierPath, Handle, Position, ReactFlow, useReactFlow, type Connection, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useMemo } from 'react';
import { STARTER_PROVISIONERS, type GraphNode } from '../../core/contract/types';
import { runAction } from '../app/actions';
import { getServices } from '../app/services';
import { useApp } from '../app/store';
import { stepLabel, type NodeRun } from '../build/run-state';
import { hasBreakpoint, placeOf, samePlace } from '../stepping/stepping-actions';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';
import { NodeForm } from './NodeForm';

/** `breakpoint`: whether the build pauses before this node (undefined: a node that takes none); `paused`: it waits there now. */
type PipelineNodeData = { node: GraphNode; run?: NodeRun; selected: boolean; breakpoint?: boolean; paused: boolean };

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const PipelineNode = memo(function PipelineNode({ data }: NodeProps<Node<PipelineNodeData>>) {
  const { node, run } = data;
  const errors = node.diagnostics.filter((d) => d.severity === 'error');
  const state = run?.state;
  const chainable = node.kind === 'post-processor';
  return (
    <div
      className={`pipeline-node kind-${node.kind}${state ? ` state-${state}` : ''}${errors.length ? ' has-errors' : ''}${data.selected ? ' selected' : ''}${data.paused ? ' paused' : ''}`}
      data-breakpoint={data.breakpoint ? 'on' : undefined}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      data-testid={`node-${node.kind}-${node.label}`}
      data-state={state ?? ''}
      aria-label={`${node.kind} ${node.label}${state ? `, ${state}` : ''}${errors.length ? `, ${errors.length} error${errors.length > 1 ? 's' : ''}` : ''}`}
      title={errors.map((d) => d.summary).join('\n') || undefined}
    >
      {/* Only post-processors connect: dragging one's output onto another chains the target after it. */}
      <Handle type="target" position={Position.Top} id="in" isConnectable={chainable} aria-label={chainable ? `Chain input of ${node.label}` : undefined} />
      {data.breakpoint !== undefined ? (
        <button
          className="breakpoint-toggle nodrag nopan"
          aria-pressed={data.breakpoint}
          aria-label={`Breakpoint before ${node.label}`}
          title={data.breakpoint ? 'Remove the breakpoint (F9)' : 'Pause the build before this step (F9)'}
          onClick={(e) => {
            e.stopPropagation();
            runAction('toggleBreakpoint', node.id);
          }}
        />
      ) : null}
      <div className="node-kind">{node.kind}</div>
      <div className="node-label">{node.label}</div>
      <div className="node-meta">
        {node.appliesTo && node.kind !== 'source' ? <span className="applies" title={`Runs on: ${node.appliesTo.join(', ')}`}>{node.appliesTo.map((b) => b.split('.').slice(-1)[0]).join(', ')}</span> : null}
        {state ? <span className={`state-pill ${state}${run?.cached ? ' cached' : ''}`}>{run?.cached ? 'cached' : <>{state}{run?.durationMs !== undefined ? ` · ${formatDuration(run.durationMs)}` : ''}</>}</span> : null}
        {run?.step ? <span className="node-step" data-testid="node-step">{stepLabel(run.step)}</span> : null}
        {errors.length ? <span className="node-error" role="alert">{errors[0].summary}</span> : null}
      </div>
      <Handle type="source" position={Position.Bottom} id="out" isConnectable={chainable} aria-label={chainable ? `Chain output of ${node.label}` : undefined} />
    </div>
  );
});

const nodeTypes = { pipeline: PipelineNode };

type ChainEdgeData = { fromLabel: string; toLabel: string };

/** An edge inside a post-processor chain, with a button that cuts the chain there (deleting the edge). */
function ChainEdge({ id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd }: EdgeProps<Edge<ChainEdgeData>>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} />
      <EdgeLabelRenderer>
        <button
          className="edge-cut nodrag nopan"
          style={{ position: 'absolute', transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, pointerEvents: 'all' }}
          aria-label={`Split chain between ${data?.fromLabel ?? source} and ${data?.toLabel ?? target}`}
          title="Split the chain here"
          onClick={() => runAction('chainPostProcessor', { from: source, to: target, split: true })}
        >
          ✂
        </button>
      </EdgeLabelRenderer>
    </>
  );
}

const edgeTypes = { chain: ChainEdge };

function isChainConnection(c: Connection | Edge): boolean {
  const nodes = useApp.getState().analysis?.graph.nodes ?? [];
  const kind = (id: string) => nodes.find((n) => n.id === id)?.kind;
  return c.source !== c.target && kind(c.source) === 'post-processor' && kind(c.target) === 'post-processor';
}

/** Blocks added, removed or re-chained (in either view) bring the whole pipeline back into view. */
function FitWhenNodesChange({ count }: { count: string }) {
  const flow = useReactFlow();
  useEffect(() => {
    const t = setTimeout(() => void flow.fitView({ padding: 0.12, maxZoom: 1 }), 50);
    return () => clearTimeout(t);
  }, [count, flow]);
  return null;
}

export function GraphView() {
  const graph = useApp((s) => s.analysis?.graph);
  const selected = useApp((s) => s.selectedNodeId);
  const runId = useApp((s) => s.currentRunId);
  const runVersion = useApp((s) => s.runVersion);
  const breakpoints = useApp((s) => s.breakpoints);
  const pausedAt = useApp((s) => (s.prompt?.runId === runId ? s.prompt?.at?.at : undefined));
  const positions = useMemo(() => (graph ? layoutGraph(graph) : new Map<string, { x: number; y: number }>()), [graph]);
  const nodes = useMemo<Node<PipelineNodeData>[]>(() => {
    const state = runId ? getServices().runStates.get(runId) : undefined;
    return (graph?.nodes ?? []).map((n) => ({
      id: n.id,
      type: 'pipeline',
      position: positions.get(n.id) ?? { x: 0, y: 0 },
      data: {
        node: n,
        run: state?.nodeRun(n.id),
        selected: n.id === selected,
        breakpoint: placeOf(n) ? hasBreakpoint(n, breakpoints) : undefined,
        paused: samePlace(placeOf(n), pausedAt),
      },
      selected: n.id === selected,
      ariaLabel: `${n.kind} ${n.label}`,
    }));
    // runVersion: node states live outside the store; the counter says they changed.
  }, [graph, positions, selected, runId, runVersion, breakpoints, pausedAt]);
  // The graph's shape without line numbers: typing inside a block must not refit the view, re-chaining must.
  const shape = useMemo(() => {
    const index = new Map((graph?.nodes ?? []).map((n, i) => [n.id, i]));
    return `${graph?.nodes.length ?? 0}#${(graph?.edges ?? []).map((e) => `${index.get(e.from)}>${index.get(e.to)}`).join(',')}`;
  }, [graph]);
  const edges = useMemo<Edge<ChainEdgeData>[]>(() => {
    const byId = new Map((graph?.nodes ?? []).map((n) => [n.id, n]));
    return (graph?.edges ?? []).map((e) => {
      const from = byId.get(e.from);
      const to = byId.get(e.to);
      const chained = from?.kind === 'post-processor' && to?.kind === 'post-processor';
      return { id: `${e.from}->${e.to}`, source: e.from, target: e.to, sourceHandle: 'out', targetHandle: 'in', animated: false, ...(chained ? { type: 'chain', data: { fromLabel: from.label, toLabel: to.label } } : {}) };
    });
  }, [graph]);

  return (
    <section className="graph-pane" aria-label="Pipeline graph">
      <div className="toolbar" role="toolbar" aria-label="Graph tools">
        <label>
          Add provisioner{' '}
          <select
            aria-label="Provisioner type to add"
            value=""
            onChange={(e) => {
              if (e.target.value) runAction('addProvisioner', e.target.value);
            }}
          >
            <option value="">choose…</option>
            {STARTER_PROVISIONERS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="flow" data-testid="graph">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          fitView
          fitViewOptions={{ padding: 0.12, maxZoom: 1 }}
          nodesDraggable={false}
          onlyRenderVisibleElements
          // React Flow's own keys (space to pan, backspace to delete…) are global; they would swallow typing in the editor.
          panActivationKeyCode={null}
          deleteKeyCode={null}
          selectionKeyCode={null}
          multiSelectionKeyCode={null}
          zoomActivationKeyCode={null}
          nodesConnectable
          isValidConnection={isChainConnection}
          onConnect={(c) => runAction('chainPostProcessor', { from: c.source, to: c.target })}
          edgeTypes={edgeTypes}
          proOptions={{ hideAttribution: true }}
          onNodeClick={(_, n) => runAction('selectNode', n.id)}
          // Keyboard selection (Tab to a node, Enter) arrives as a selection change.
          onNodesChange={(changes) => {
            const picked = changes.find((c) => c.type === 'select' && c.selected);
            if (picked && 'id' in picked && picked.id !== useApp.getState().selectedNodeId) runAction('selectNode', picked.id);
          }}
          onPaneClick={() => runAction('selectNode', undefined)}
          colorMode="dark"
          minZoom={0.2}
        >
          <FitWhenNodesChange count={shape} />
          <Background gap={16} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
      <NodeDetails />
    </section>
  );
}

/** The selected node: what it is, where it runs, its errors, its state in the current run, and its settings form. */
function NodeDetails() {
  const node = useApp((s) => s.analysis?.graph.nodes.find((n) => n.id === s.selectedNodeId));
  const text = useApp((s) => (node?.range ? s.texts[node.range.filename] : undefined));
  const runId = useApp((s) => s.currentRunId);
  useApp((s) => s.runVersion);
  const run = node && runId ? getServices().runStates.get(runId)?.nodeRun(node.id) : undefined;
  if (!node) return <div className="node-details empty">Select a node to see its settings.</div>;
  return (
    <div className="node-details" aria-label={`Settings of ${node.label}`} role="region">
      <div className="details-head">
        <strong>{node.label}</strong> <span className="muted">{node.kind} · {node.type}</span>
        {node.kind === 'provisioner' ? (
          <span className="details-actions">
            <button onClick={() => runAction('moveUp', node.id)} aria-label={`Move ${node.label} up`}>↑</button>
            <button onClick={() => runAction('moveDown', node.id)} aria-label={`Move ${node.label} down`}>↓</button>
          </span>
        ) : null}
        {placeOf(node) ? <BreakpointButton node={node} /> : null}
        {node.kind !== 'source' && node.kind !== 'data' ? (
          <button className="danger" onClick={() => runAction('removeNode', node.id)} aria-label={`Remove ${node.label}`}>
            Remove
          </button>
        ) : null}
      </div>
      {node.kind === 'post-processor' ? <ChainControls node={node} /> : null}
      {node.appliesTo && node.kind !== 'source' ? <div className="muted">Runs on: {node.appliesTo.join(', ') || 'no build'}</div> : null}
      {node.diagnostics.map((d, i) => (
        <div key={i} className={`diag ${d.severity}`}>
          {d.summary}
          {d.range ? ` (line ${d.range.start.line})` : ''}
        </div>
      ))}
      {run ? (
        <div className={`node-run state-${run.state}`} data-testid="node-run">
          {run.cached ? 'done: cached, not run (build cache)' : run.state}
          {run.durationMs !== undefined && !run.cached ? ` in ${formatDuration(run.durationMs)}` : ''}
          {run.error ? `: ${run.error}` : ''}
        </div>
      ) : null}
      {run?.steps?.length ? (
        <ol className="node-steps" aria-label={`Steps of ${node.label}`}>
          {run.steps.map((x, i) => (
            <li key={i} className={x.result ? `step-${x.result}` : 'step-running'}>
              {stepLabel(x.name)}
              {x.durationMs !== undefined ? <span className="muted"> {formatDuration(x.durationMs)}</span> : <span className="muted"> …</span>}
            </li>
          ))}
        </ol>
      ) : null}
      {node.kind === 'data' ? <div className="muted">Data source: templates read its output as data.{node.label}.</div> : <NodeForm node={node} text={text} />}
    </div>
  );
}

function BreakpointButton({ node }: { node: GraphNode }) {
  const on = useApp((s) => hasBreakpoint(node, s.breakpoints));
  return (
    <button aria-pressed={on} onClick={() => runAction('toggleBreakpoint', node.id)} title="F9">
      {on ? '● Breakpoint' : '○ Breakpoint'}
    </button>
  );
}

/** The keyboard way to chain post-processors: pick the one this node should follow, or cut the chain before it. */
function ChainControls({ node }: { node: GraphNode }) {
  const graph = useApp((s) => s.analysis?.graph);
  const others = (graph?.nodes ?? []).filter((n) => n.kind === 'post-processor' && n.id !== node.id && n.range?.filename === node.range?.filename);
  const previous = (graph?.edges ?? []).map((e) => e.from).find((from) => graph?.edges.some((e) => e.from === from && e.to === node.id) && others.some((n) => n.id === from));
  const previousNode = others.find((n) => n.id === previous);
  return (
    <div className="chain-controls">
      <label>
        Chain after{' '}
        <select aria-label={`Chain ${node.label} after`} value="" onChange={(e) => e.target.value && runAction('chainPostProcessor', { from: e.target.value, to: node.id })}>
          <option value="">choose…</option>
          {others.map((n) => (
            <option key={n.id} value={n.id}>
              {n.label} (line {n.range?.start.line})
            </option>
          ))}
        </select>
      </label>
      {previousNode ? (
        <button onClick={() => runAction('chainPostProcessor', { from: previousNode.id, to: node.id, split: true })} aria-label={`Split chain between ${previousNode.label} and ${node.label}`}>
          Split chain before {node.label}
        </button>
      ) : null}
    </div>
  );
}
