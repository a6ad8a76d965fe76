/** The editor and the graph side by side, the build panel below: the part of the window that needs a template. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { BuildPanel } from '../build/BuildPanel';
import { Editor } from '../editor/Editor';

/** The graph (React Flow, dagre) is a chunk of its own, fetched once the editor is up: typing does not wait for it. */
const GraphView = lazy(() => import('../graph/GraphView').then((m) => ({ default: m.GraphView })));

/** How long the graph may wait for the page to be idle after the editor appeared. */
const GRAPH_IDLE_TIMEOUT_MS = 300;

export default function Workspace() {
  // The editor is drawn and takes keys first; the graph follows when the page has a moment (its code, its layout).
  const [graphReady, setGraphReady] = useState(false);
  useEffect(() => {
    const id = requestIdleCallback(() => setGraphReady(true), { timeout: GRAPH_IDLE_TIMEOUT_MS });
    return () => cancelIdleCallback(id);
  }, []);
  const loading = <div className="graph-pane loading muted">Loading the graph…</div>;
  return (
    <>
      <div className="workspace">
        <Editor />
        {graphReady ? (
          <Suspense fallback={loading}>
            <GraphView />
          </Suspense>
        ) : (
          loading
        )}
      </div>
      <BuildPanel />
    </>
  );
}
