/**
 * The stepping commands: breakpoints toggled on the graph's provisioner and post-processor nodes (saved by the host
 * beside the template), and the terminal into a paused build. Continue, Step and Abort are `answerPrompt`.
 */
import type { BlockPlace } from '../../core/common/breakpoint';
import type { GraphNode, PipelineGraph } from '../../core/contract/types';
import { followSelection } from '../app/selection';
import { getServices } from '../app/services';
import { useApp } from '../app/store';

/** The breakpoint place of a node: its block's first character; only provisioners and post-processors take one. */
export function placeOf(node: GraphNode): BlockPlace | undefined {
  if ((node.kind !== 'provisioner' && node.kind !== 'post-processor') || !node.range) return undefined;
  return { kind: node.kind, filename: node.range.filename, line: node.range.start.line, column: node.range.start.column };
}

export function samePlace(a: BlockPlace | undefined, b: BlockPlace | undefined): boolean {
  return !!a && !!b && a.kind === b.kind && a.filename === b.filename && a.line === b.line && a.column === b.column;
}

export function hasBreakpoint(node: GraphNode, breakpoints: readonly BlockPlace[]): boolean {
  const place = placeOf(node);
  return breakpoints.some((b) => samePlace(b, place));
}

async function save(breakpoints: BlockPlace[]): Promise<void> {
  const s = useApp.getState();
  if (!s.template) return;
  s.setBreakpointList(breakpoints);
  const r = await getServices().api.stepping.setBreakpoints({ template: s.template.path, breakpoints });
  if (!r.ok) useApp.getState().setStatus(r.error.message, 'error');
  else useApp.getState().setBreakpointList(r.value);
}

export async function loadBreakpoints(): Promise<void> {
  const s = useApp.getState();
  if (!s.template) return s.setBreakpointList([]);
  const path = s.template.path;
  const r = await getServices().api.stepping.breakpoints({ template: path });
  if (useApp.getState().template?.path !== path) return;
  if (r.ok) useApp.getState().setBreakpointList(r.value);
  else useApp.getState().setStatus(r.error.message, 'error');
}

export async function toggleBreakpoint(nodeId: string | undefined): Promise<void> {
  const s = useApp.getState();
  if (nodeId === undefined) return;
  const node = s.analysis?.graph.nodes.find((n) => n.id === nodeId);
  const place = node && placeOf(node);
  if (!place) return;
  const on = s.breakpoints.some((b) => samePlace(b, place));
  await save(on ? s.breakpoints.filter((b) => !samePlace(b, place)) : [...s.breakpoints, place]);
  s.setStatus(on ? `Breakpoint removed from ${node.label}` : `The build will pause before ${node.label}`);
}

/**
 * Breakpoints follow their blocks when text above them moves them (as the selection does, by kind, label and place
 * among their likes); one whose block is gone is dropped.
 */
export function followBreakpoints(before: PipelineGraph | undefined, after: PipelineGraph, breakpoints: readonly BlockPlace[]): BlockPlace[] {
  const out: BlockPlace[] = [];
  for (const b of breakpoints) {
    const old = before?.nodes.find((n) => samePlace(placeOf(n), b));
    const id = old ? followSelection(before, after, old.id) : after.nodes.find((n) => samePlace(placeOf(n), b))?.id;
    const node = after.nodes.find((n) => n.id === id);
    const place = node && placeOf(node);
    if (place && !out.some((o) => samePlace(o, place))) out.push(place);
  }
  return out;
}

// Keep the saved breakpoints on their blocks as the template is edited.
useApp.subscribe((s, prev) => {
  if (s.analysis === prev.analysis || !s.analysis || s.breakpoints.length === 0 || s.template?.path !== prev.template?.path) return;
  const next = followBreakpoints(prev.analysis?.graph, s.analysis.graph, s.breakpoints);
  const same = next.length === s.breakpoints.length && next.every((b, i) => samePlace(b, s.breakpoints[i]));
  if (!same) void save(next);
});

/** Opens the terminal panel on the paused build; the panel itself opens the host's terminal once it knows its size. */
export function openTerminal(): void {
  const p = useApp.getState().prompt;
  if (!p?.terminal) return;
  useApp.getState().setTerminal({ runId: p.runId, promptId: p.promptId, build: p.build });
}

export async function closeTerminal(): Promise<void> {
  const t = useApp.getState().terminal;
  useApp.getState().setTerminal(undefined);
  if (t?.terminalId) await getServices().api.stepping.closeTerminal({ terminalId: t.terminalId });
}
