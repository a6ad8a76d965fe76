/**
 * Builds for the Windows provisioner tests: a null build over SSH to the Windows stand-in (test/support/windows-standin.ts)
 * run through Bakehouse's engine, and the same template as HCL for Packer 1.14 against the same machine.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { createRun, type RunOutcome } from '../../../core/engine/engine';
import type { EngineEvent } from '../../../core/engine/events';
import type { PlannedBuild } from '../../../core/template/model';
import type { Plain } from '../../../core/template/values/value';
import { config, provisioner } from '../../engine/helpers';
import { PACKER_1_14, runReferencePacker } from '../../support/reference-packer';
import { STANDIN_USER, type WindowsStandin } from '../../support/windows-standin';

export type Provisioners = Array<[string, Record<string, Plain>]>;

export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'bakehouse-windows-test-'));
}

function sshFields(machine: WindowsStandin): Record<string, Plain> {
  return { communicator: 'ssh', ssh_host: '127.0.0.1', ssh_port: machine.port, ssh_username: STANDIN_USER, ssh_private_key_file: machine.keyFile, ssh_timeout: '30s' };
}

export interface OurRun {
  outcome: RunOutcome;
  /** The build's messages as Packer prints them: `==> ` for what the provisioner says, four spaces for output. */
  lines: string[];
  events: EngineEvent[];
}

/** The provisioners in a null build named `win`, through the engine. */
export async function runOurs(machine: WindowsStandin, dir: string, provisioners: Provisioners, signal?: AbortSignal): Promise<OurRun> {
  const build: PlannedBuild = {
    name: 'null.win',
    type: 'null',
    sourceName: 'win',
    builder: config(sshFields(machine)),
    provisioners: provisioners.map(([type, fields]) => provisioner(type, fields)),
    postProcessors: [],
    range: { filename: 'test.pkr.hcl', start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } },
  };
  const run = createRun({ builds: [build], registry: builtinPlugins(), dataDir: false, cwd: dir, runId: randomUUID() });
  const events: EngineEvent[] = [];
  run.subscribe((e) => events.push(e));
  signal?.addEventListener('abort', () => run.cancel());
  const outcome = await run.start();
  const lines = events.flatMap((e) => (e.kind === 'message' ? [`==> ${e.text}`] : e.kind === 'output' ? [`    ${e.line}`] : e.kind === 'error' ? [`==> ${e.text}`] : []));
  return { outcome, lines, events };
}

/** The provisioner blocks as HCL. */
function hclBlocks(provisioners: Provisioners): string {
  return provisioners
    .map(([type, fields]) => {
      const body = Object.entries(fields).map(([k, v]) =>
        `    ${k} = ${typeof v === 'object' && v !== null && !Array.isArray(v) ? `{ ${Object.entries(v).map(([ek, ev]) => `${ek} = ${JSON.stringify(ev)}`).join(', ')} }` : JSON.stringify(v)}`,
      );
      return `  provisioner "${type}" {\n${body.join('\n')}\n  }`;
    })
    .join('\n');
}

/** Runs the same build through Packer 1.14: its whole output, and the build's lines without the `null.win: ` prefix. */
export function runPacker(machine: WindowsStandin, dir: string, provisioners: Provisioners): { lines: string[]; all: string; status: number | null } {
  const packer = PACKER_1_14.packer;
  assert.ok(packer, PACKER_1_14.skip || '');
  const source = Object.entries(sshFields(machine)).map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`);
  writeFileSync(join(dir, 'ref.pkr.hcl'), `source "null" "win" {\n${source.join('\n')}\n}\nbuild {\n  sources = ["source.null.win"]\n${hclBlocks(provisioners)}\n}\n`);
  const r = runReferencePacker(packer, ['build', '-color=false', 'ref.pkr.hcl'], { cwd: dir });
  const all = r.stdout + r.stderr;
  const lines = all.split('\n').flatMap((l) => {
    const m = /^(==> |    )null\.win: (.*)$/.exec(l);
    return m ? [`${m[1]}${m[2]}`] : [];
  });
  return { lines, all, status: r.status };
}

/** Packer's and our temporary names differ each run: UUIDs and the local copy of inline commands. */
export function normalize(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/(Provisioning with powershell script: )\/tmp\/\S+/g, '$1<inline commands>');
}
