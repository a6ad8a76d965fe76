/** The editor and the graph side by side, the build panel below: the part of the window that needs a template. */
import { lazy, Suspense } from 'react';
import { BuildPanel } from '../build/BuildPanel';
import { Editor } from '../editor/Editor';

/** The graph (React Flow, dagre) is a chunk of its own, fetched once the editor is up: typing does not wait for it. */
const GraphView = lazy(() => import('../graph/GraphView').then((m) => ({ default: m.GraphView })));

export default function Workspace() {
  return (
    <>
      <div className="workspace">
        <Editor />
        <Suspense fallback={<div className="graph-pane loading muted">Loading the graph…</div>}>
          <GraphView />
        </Suspense>
      </div>
      <BuildPanel />
    </>
  );
}
