/**
 * The terminal into a paused build: xterm.js, connected through the contract — keys and pastes go out as
 * `stepping.terminalInput`, the panel's size (fitted to its box) as `resizeTerminal`, and the shell's output comes back
 * through `onTerminalOutput`. Ctrl+Shift+C / Ctrl+Shift+V copy and paste (plain Ctrl+C is the shell's interrupt).
 * The host closes it when the build goes on; closing the panel closes it there.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { runAction } from '../app/actions';
import { getServices } from '../app/services';
import { useApp } from '../app/store';

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export function TerminalPanel() {
  const target = useApp((s) => s.terminal);
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<string>('Opening…');
  const runId = target?.runId;
  const promptId = target?.promptId;

  useEffect(() => {
    if (!runId || !promptId || !box.current) return;
    const { api, onTerminalOutput } = getServices();
    const term = new Terminal({ cursorBlink: true, convertEol: false, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13, theme: { background: '#111318' } });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(box.current);
    fit.fit();
    let terminalId: string | undefined;
    let stopOutput: (() => void) | undefined;
    let gone = false;
    const copy = () => {
      const text = term.getSelection();
      if (text) void navigator.clipboard?.writeText(text);
    };
    const paste = () => void navigator.clipboard?.readText().then((t) => t && term.paste(t));
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      const key = e.key.toLowerCase();
      if (key === 'c') copy();
      else if (key === 'v') paste();
      else return true;
      // Handled here: xterm must not send it to the shell.
      return false;
    });
    const input = term.onData((data) => {
      if (terminalId) void api.stepping.terminalInput({ terminalId, data });
    });
    const resized = term.onResize(({ cols, rows }) => {
      if (terminalId) void api.stepping.resizeTerminal({ terminalId, cols, rows });
    });
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // A box with no size yet (the panel is being laid out): the next resize fits it.
      }
    });
    observer.observe(box.current);
    void api.stepping.openTerminal({ runId, promptId, cols: Math.max(2, term.cols), rows: Math.max(1, term.rows) }).then((r) => {
      if (gone) {
        if (r.ok) void api.stepping.closeTerminal({ terminalId: r.value.terminalId });
        return;
      }
      if (!r.ok) return setStatus(r.error.message);
      terminalId = r.value.terminalId;
      const current = useApp.getState().terminal;
      if (current?.promptId === promptId) useApp.getState().setTerminal({ ...current, terminalId });
      setStatus('');
      stopOutput = onTerminalOutput(terminalId, (o) => {
        if ('ended' in o) {
          setStatus('The shell ended.');
          return;
        }
        term.write(decode(o.data));
      });
      term.focus();
    });
    return () => {
      gone = true;
      observer.disconnect();
      input.dispose();
      resized.dispose();
      stopOutput?.();
      term.dispose();
    };
  }, [runId, promptId]);

  if (!target) return null;
  return (
    <section className="terminal-panel" aria-label={`Terminal on ${target.build}`} data-testid="terminal-panel">
      <div className="terminal-head">
        <strong>Terminal · {target.build}</strong>
        {status ? <span className="muted" role="status">{status}</span> : null}
        <span className="muted">Ctrl+Shift+C copy · Ctrl+Shift+V paste</span>
        <button onClick={() => runAction('closeTerminal')} aria-label="Close the terminal">
          ✕
        </button>
      </div>
      <div className="terminal-box" ref={box} data-testid="terminal" />
    </section>
  );
}
