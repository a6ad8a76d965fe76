/** How one engine event reads as a log line: the host (reading the run log) and the renderer (live batches) share it. */
import type { RunEvent } from './events';
import type { LogLine } from './types';

export function eventLogLine(seq: number, e: RunEvent): LogLine {
  const base = { seq, time: e.time, build: e.build };
  switch (e.kind) {
    case 'output':
      return { ...base, stream: e.stream, text: e.line };
    case 'message':
      return { ...base, stream: e.level === 'log' ? 'message' : e.level, text: e.text };
    case 'error':
      return { ...base, stream: 'error', text: e.text };
    case 'step-started':
      return { ...base, stream: 'message', text: `Step ${e.step} started`, step: e.step };
    case 'step-finished':
      return { ...base, stream: e.error ? 'error' : 'message', text: `Step ${e.step}: ${e.result}${e.error ? ` (${e.error})` : ''}`, step: e.step };
    case 'provisioner-started':
    case 'post-processor-started':
      return { ...base, stream: 'message', text: `${componentName(e)} started` };
    case 'provisioner-finished':
    case 'post-processor-finished':
      return { ...base, stream: e.result === 'failed' ? 'error' : 'message', text: `${componentName(e)}: ${e.result}${e.error ? ` (${e.error})` : ''}` };
    case 'run-started':
      return { ...base, stream: 'say', text: `Run started: ${e.builds.join(', ')}` };
    case 'run-finished':
      return { ...base, stream: e.failed.length > 0 ? 'error' : 'say', text: e.cancelled ? 'Run cancelled' : e.failed.length > 0 ? `Run finished; failed: ${e.failed.join(', ')}` : 'Run finished' };
    case 'build-started':
      return { ...base, stream: 'say', text: `Build started (${e.builderType})` };
    case 'build-finished':
      return { ...base, stream: e.result === 'succeeded' ? 'say' : 'error', text: `Build ${e.result}${e.error ? `: ${e.error}` : ''}` };
    case 'prompt':
      return { ...base, stream: 'say', text: e.text };
    case 'prompt-answered':
      return { ...base, stream: 'message', text: `Answered: ${e.answer}` };
    case 'artifact':
      return { ...base, stream: 'say', text: e.artifact.text };
    case 'left-behind':
      return { ...base, stream: 'error', text: `Left behind: ${e.resources.map((r) => r.description).join('; ')}` };
    case 'resource':
      return { ...base, stream: 'message', text: `Resource ${e.phase}: ${e.description}${e.id ? ` (${e.id})` : ''}`, step: e.step };
  }
}

function componentName(e: { kind: string; type: string; name?: string }): string {
  const kind = e.kind.startsWith('provisioner') ? 'Provisioner' : 'Post-processor';
  return `${kind} ${e.name ? `${e.name} (${e.type})` : e.type}`;
}
