/** The editor and the graph side by side, the build panel below: the part of the window that needs a template. */
import { BuildPanel } from '../build/BuildPanel';
import { Editor } from '../editor/Editor';
import { GraphView } from '../graph/GraphView';

export default function Workspace() {
  return (
    <>
      <div className="workspace">
        <Editor />
        <GraphView />
      </div>
      <BuildPanel />
    </>
  );
}
