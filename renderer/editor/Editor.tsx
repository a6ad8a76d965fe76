/** The template's text: one Monaco model per file (a tab each), markers from the live analysis, edits from the graph. */
import { useEffect, useRef } from 'react';
import type { Range, TextEdit } from '../../core/contract/types';
import { getServices } from '../app/services';
import { isDirty, useApp } from '../app/store';
import { HCL, registerHcl } from './hcl-language';
import { monaco } from './monaco';

let registered = false;

function languageOf(filename: string): string {
  return filename.endsWith('.json') ? 'json' : HCL;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function Editor() {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const template = useApp((s) => s.template);
  const activeFile = useApp((s) => s.activeFile);
  const analysis = useApp((s) => s.analysis);

  useEffect(() => {
    const { api } = getServices();
    if (!registered) {
      registered = true;
      registerHcl(monaco, api, () => {
        const s = useApp.getState();
        if (!s.template) return undefined;
        return { root: s.template.root, files: s.template.files.map((f) => ({ filename: f.filename, text: s.texts[f.filename] ?? f.text })) };
      });
      monaco.editor.defineTheme('bakehouse-dark', {
        base: 'vs-dark',
        inherit: true,
        rules: [
          { token: 'keyword.block', foreground: 'c586c0', fontStyle: 'bold' },
          { token: 'type.block', foreground: '4ec9b0' },
          { token: 'variable.attribute', foreground: '9cdcfe' },
          { token: 'variable.predefined', foreground: '4fc1ff' },
          { token: 'support.function', foreground: 'dcdcaa' },
          { token: 'delimiter.interpolation', foreground: 'd7ba7d' },
        ],
        colors: { 'editor.background': '#1b1d23' },
      });
    }
    const editor = monaco.editor.create(host.current!, {
      theme: 'bakehouse-dark',
      automaticLayout: true,
      fontSize: 13,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      tabSize: 2,
      ariaLabel: 'Template editor',
      fixedOverflowWidgets: true,
    });
    editorRef.current = editor;
    const opener = monaco.editor.registerEditorOpener({
      openCodeEditor(_source, resource, selection) {
        const f = resource.path;
        if (!useApp.getState().texts[f]) return false;
        useApp.getState().setActiveFile(f);
        queueMicrotask(() => {
          if (selection && 'startLineNumber' in selection) {
            editor.setSelection(selection);
            editor.revealRangeInCenter(selection);
          }
        });
        return true;
      },
    });
    const port = {
      applyEdits(filename: string, edits: readonly TextEdit[]) {
        const model = monaco.editor.getModel(monaco.Uri.file(filename));
        if (!model) return;
        const ops = edits.map((e) => {
          const a = model.getPositionAt(e.start);
          const b = model.getPositionAt(e.end);
          return { range: new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column), text: e.text, forceMoveMarkers: true };
        });
        // Stop points around the edit make it one undo step, undone like any typing.
        model.pushStackElement();
        model.pushEditOperations(null, ops, () => null);
        model.pushStackElement();
      },
      reveal(range: Range) {
        const s = useApp.getState();
        if (s.activeFile !== range.filename && s.texts[range.filename] !== undefined) s.setActiveFile(range.filename);
        queueMicrotask(() => {
          const r = new monaco.Range(range.start.line, range.start.column, range.end.line, range.end.column);
          editor.revealRangeInCenterIfOutsideViewport(r);
          editor.setSelection(new monaco.Range(range.start.line, range.start.column, range.start.line, range.start.column));
          decorations.set([{ range: r, options: { isWholeLine: true, className: 'selected-block' } }]);
        });
      },
      focus: () => editor.focus(),
      undo: () => editor.trigger('bakehouse', 'undo', null),
      redo: () => editor.trigger('bakehouse', 'redo', null),
    };
    const decorations = editor.createDecorationsCollection();
    getServices().editor = port;
    return () => {
      opener.dispose();
      getServices().editor = undefined;
      editor.dispose();
    };
  }, []);

  // Models follow the opened template: created when it opens, disposed when another replaces it.
  useEffect(() => {
    if (!template) return;
    const models = template.files.map((f) => {
      const uri = monaco.Uri.file(f.filename);
      monaco.editor.getModel(uri)?.dispose();
      const model = monaco.editor.createModel(f.text, languageOf(f.filename), uri);
      model.onDidChangeContent(() => useApp.getState().setText(f.filename, model.getValue()));
      return model;
    });
    return () => models.forEach((m) => m.dispose());
  }, [template]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !activeFile) return;
    const model = monaco.editor.getModel(monaco.Uri.file(activeFile));
    if (model && editor.getModel() !== model) editor.setModel(model);
  }, [activeFile, template]);

  useEffect(() => {
    if (!template) return;
    for (const f of template.files) {
      const model = monaco.editor.getModel(monaco.Uri.file(f.filename));
      if (!model) continue;
      const markers = (analysis?.diagnostics ?? [])
        .filter((d) => d.range?.filename === f.filename)
        .map((d) => ({
          severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          message: d.detail ? `${d.summary}: ${d.detail}` : d.summary,
          startLineNumber: d.range!.start.line,
          startColumn: d.range!.start.column,
          endLineNumber: d.range!.end.line,
          endColumn: Math.max(d.range!.end.column, d.range!.start.line === d.range!.end.line ? d.range!.start.column + 1 : 1),
        }));
      monaco.editor.setModelMarkers(model, 'bakehouse', markers);
    }
  }, [analysis, template]);

  return (
    <section className="editor-pane" aria-label="Template">
      <div className="tabs" role="tablist" aria-label="Template files">
        {template?.files.map((f) => (
          <FileTab key={f.filename} filename={f.filename} active={f.filename === activeFile} />
        ))}
      </div>
      <div className="monaco-host" ref={host} data-testid="editor" />
    </section>
  );
}

function FileTab({ filename, active }: { filename: string; active: boolean }) {
  const dirty = useApp((s) => isDirty(s, filename));
  const errors = useApp((s) => (s.analysis?.diagnostics ?? []).filter((d) => d.severity === 'error' && d.range?.filename === filename).length);
  return (
    <button role="tab" aria-selected={active} className={`tab${active ? ' active' : ''}`} title={filename} onClick={() => useApp.getState().setActiveFile(filename)}>
      {basename(filename)}
      {dirty ? ' ●' : ''}
      {errors > 0 ? <span className="badge error" aria-label={`${errors} errors`}>{errors}</span> : null}
    </button>
  );
}
