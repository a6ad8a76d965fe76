/** Shared pieces for the SSH communicator tests: configs for a test sshd, a Ui that records, and running the wait step. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSshConfig, type SshConfig } from '../../../core/communicators/ssh/config';
import type { BuildState, Communicator, Ui } from '../../../core/engine/plugin';
import type { Step, StepResult } from '../../../core/engine/steps';
import type { Plain } from '../../../core/template/values/value';
import { config } from '../../engine/helpers';

export function sshConfig(fields: Record<string, Plain>): SshConfig {
  const r = readSshConfig(config({ ssh_host: '127.0.0.1', ssh_timeout: '10s', ...fields }), 'test');
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

export interface RecordingUi extends Ui {
  lines: string[];
}

export function recordingUi(): RecordingUi {
  const lines: string[] = [];
  return {
    lines,
    say: (t) => lines.push(`say: ${t}`),
    message: (t) => lines.push(`message: ${t}`),
    error: (t) => lines.push(`error: ${t}`),
    output: (s, l) => lines.push(`${s}: ${l}`),
    log: (t) => lines.push(`log: ${t}`),
    ask: async () => 'cleanup',
  };
}

export interface StepRun {
  result: StepResult;
  state: BuildState;
  ui: RecordingUi;
  communicator: Communicator | undefined;
  cleanup(): Promise<void>;
}

export async function runStep(step: Step<BuildState>, signal = new AbortController().signal): Promise<StepRun> {
  const state: BuildState = { generated: {} };
  const ui = recordingUi();
  const result = await step.run(state, { signal, ui, track: () => ({ release: () => undefined, created: () => undefined }) });
  return {
    result,
    state,
    ui,
    communicator: state.communicator,
    cleanup: async () => {
      await step.cleanup?.(state, { ui, signal: new AbortController().signal, halted: false, cancelled: false });
    },
  };
}

export function scratch(prefix = 'bakehouse-ssh-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs a command and returns its output lines and exit code, failing the test on a communicator error. */
export async function sh(comm: Communicator, command: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const r = await comm.run(command, { signal: new AbortController().signal, onLine: (s, l) => (s === 'stdout' ? out : err).push(l) });
  if (!r.ok) throw new Error(r.error);
  return { code: r.value.exitCode, out, err };
}

export const never = new AbortController().signal;
