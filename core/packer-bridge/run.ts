/**
 * Runs one planned build through the user's Packer (`packer build -machine-readable -only=<build>`), for builds that use a
 * type Bakehouse does not build, and turns Packer's output into the build's events, so the graph, the log viewer and the
 * run history treat it as any other build. Variables reach Packer through its environment (PKR_VAR_*) or a private
 * var file, never its argv; a cancel interrupts Packer as Ctrl-C would, and Packer cleans up its own resources.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CANCELLED } from '../common/result';
import type { RunResult } from '../common/run-result';
import type { TemplateFormat } from '../common/template';
import type { BuildOutcome, BuildRunContext } from '../engine/build';
import type { ArtifactSummary } from '../engine/events';
import type { PlannedBuild } from '../template/model';
import { parseMachineLine, splitUiText, type MachineLine } from './machine-readable';

export interface BridgeOptions {
  /** The Packer binary (core/packer-bridge/install.ts found it). */
  packer: string;
  /** The template as the user named it: a file or a directory. */
  template: string;
  format: TemplateFormat;
  vars: ReadonlyArray<readonly [string, string]>;
  /** Variables bound to credentials: passed as `vars` are (environment or private var file), before them, so a -var still wins. */
  secretVars?: ReadonlyArray<readonly [string, string]>;
  /** The environment a build's bound credentials add (RunCredentials.bridgeEnv). */
  credentialEnv?: (plan: PlannedBuild) => Record<string, string>;
  varFiles: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function runBridgedBuild(plan: PlannedBuild, bridge: BridgeOptions, ctx: BuildRunContext & { force: boolean }): Promise<BuildOutcome> {
  const started = performance.now();
  ctx.emit({ kind: 'build-started', builderType: plan.type });
  const ui = ctx.uiFor();
  ui.say(`Running through Packer (${bridge.packer}): Bakehouse does not build every type this build uses`);
  const privateDir = mkdtempSync(join(tmpdir(), 'bakehouse-bridge-'));
  let exit: number | null;
  let follow: PackerFollower;
  const stderr: string[] = [];
  try {
    const env: NodeJS.ProcessEnv = { ...bridge.env, ...bridge.credentialEnv?.(plan), PACKER_CHECKPOINT_DISABLE: '1' };
    const vars = [...(bridge.secretVars ?? []), ...bridge.vars];
    const args = ['build', '-machine-readable', `-only=${plan.name}`, `-on-error=${ctx.onError === 'ask' ? 'cleanup' : ctx.onError}`];
    if (ctx.force) args.push('-force');
    for (const f of bridge.varFiles) args.push(`-var-file=${f}`);
    if (vars.length > 0) {
      if (bridge.format === 'hcl2') for (const [k, v] of vars) env[`PKR_VAR_${k}`] = v;
      else {
        // Legacy JSON reads no PKR_VAR_*: the values go in a var file only this user can read, removed afterwards.
        const file = join(privateDir, 'vars.json');
        writeFileSync(file, JSON.stringify(Object.fromEntries(vars)), { mode: 0o600 });
        args.push(`-var-file=${file}`);
      }
    }
    args.push(bridge.template);

    // Its own process group, so a cancel reaches Packer and its plugins as Ctrl-C in a terminal would.
    const child = spawn(bridge.packer, args, { cwd: bridge.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const interrupt = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const onCancel = () => interrupt('SIGINT');
    const onAbandon = () => interrupt('SIGKILL');
    ctx.signal.addEventListener('abort', onCancel, { once: true });
    ctx.abandon.addEventListener('abort', onAbandon, { once: true });
    if (ctx.signal.aborted) onCancel();

    const following = new PackerFollower(plan, ctx);
    follow = following;
    createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
    createInterface({ input: child.stdout }).on('line', (l) => {
      const m = parseMachineLine(l);
      if (m) following.line(m);
      else if (l.trim()) ui.log(l);
    });
    exit = await new Promise<number | null>((resolve) => {
      child.on('error', (e) => {
        stderr.push(e.message);
        resolve(null);
      });
      child.on('close', (code) => resolve(code));
    });
    ctx.signal.removeEventListener('abort', onCancel);
    ctx.abandon.removeEventListener('abort', onAbandon);
  } finally {
    rmSync(privateDir, { recursive: true, force: true });
  }

  const result: RunResult = ctx.signal.aborted ? 'cancelled' : exit === 0 ? 'succeeded' : 'failed';
  follow.end(result);
  const error =
    result === 'cancelled' ? CANCELLED : result === 'failed' ? ctx.mask(follow.error ?? (stderr.join('\n').trim() || `Packer exited with status ${exit}`)) : undefined;
  const artifacts = result === 'succeeded' ? follow.artifacts() : [];
  for (const artifact of artifacts) ctx.emit({ kind: 'artifact', artifact });
  const durationMs = performance.now() - started;
  ctx.emit({ kind: 'build-finished', result, durationMs, error, artifacts });
  return { name: plan.name, builderType: plan.type, result, error, artifacts, durationMs, leftBehind: [] };
}

/** Follows one build's machine-readable lines: messages, provisioner and post-processor boundaries, errors, artifacts. */
class PackerFollower {
  error?: string;
  private provisioner?: { index: number; started: number };
  private nextProvisioner = 0;
  private postProcessor?: { index: number; chain: number; position: number; type: string; started: number };
  private nextPostProcessor = 0;
  private readonly found = new Map<number, Partial<ArtifactSummary> & { files: string[] }>();

  constructor(
    private readonly plan: PlannedBuild,
    private readonly ctx: BuildRunContext,
  ) {}

  line(m: MachineLine): void {
    if (m.type === 'ui' && m.target === '') return this.ui(m.data[0], m.data.slice(1).join(','));
    if (m.target !== this.plan.name) return;
    if (m.type === 'error') this.error = m.data.join(',');
    if (m.type === 'artifact') this.artifact(m.data);
  }

  private ui(level: string | undefined, text: string): void {
    const own = splitUiText(text, this.plan.name);
    if (!own) {
      // Run-wide lines ("Build 'x' finished…", "Builds finished…"): Bakehouse prints its own; kept in the log.
      if (text.trim()) this.ctx.uiFor().log(text.trim());
      return;
    }
    const ui = this.ctx.uiFor();
    if (level === 'error') return ui.error(own.text);
    const provisioning = /^Provisioning with ([\w-]+)\.\.\.$/.exec(own.text);
    if (provisioning) this.startProvisioner(provisioning[1]);
    const postProcessing = /^Running post-processor:\s*(.*?)\s*\(type ([\w-]+)\)/.exec(own.text);
    if (postProcessing) this.startPostProcessor(postProcessing[2]);
    if (own.level === 'say') ui.say(own.text);
    else ui.message(own.text);
  }

  private startProvisioner(type: string): void {
    this.finishProvisioner('succeeded');
    // Packer's powershell provisioner announces itself as "Powershell".
    const index = this.plan.provisioners.findIndex((p, i) => i >= this.nextProvisioner && p.type.toLowerCase() === type.toLowerCase());
    if (index < 0) return;
    const p = this.plan.provisioners[index];
    this.nextProvisioner = index + 1;
    this.provisioner = { index, started: performance.now() };
    this.ctx.emit({ kind: 'provisioner-started', index, type: p.type, name: p.name });
  }

  private finishProvisioner(result: RunResult): void {
    if (!this.provisioner) return;
    const { index, started } = this.provisioner;
    const p = this.plan.provisioners[index];
    this.ctx.emit({ kind: 'provisioner-finished', index, type: p.type, name: p.name, result, durationMs: performance.now() - started, error: result === 'failed' ? this.error : undefined });
    this.provisioner = undefined;
  }

  private startPostProcessor(type: string): void {
    this.finishProvisioner('succeeded');
    this.finishPostProcessor('succeeded');
    const flat = this.plan.postProcessors.flatMap((chain, c) => chain.map((pp, position) => ({ pp, chain: c, position })));
    const index = flat.findIndex((f, i) => i >= this.nextPostProcessor && f.pp.type === type);
    if (index < 0) return;
    const { pp, chain, position } = flat[index];
    this.nextPostProcessor = index + 1;
    this.postProcessor = { index, chain, position, type, started: performance.now() };
    this.ctx.emit({ kind: 'post-processor-started', index, chain, position, type, name: pp.name });
  }

  private finishPostProcessor(result: RunResult): void {
    if (!this.postProcessor) return;
    const { index, chain, position, type, started } = this.postProcessor;
    this.ctx.emit({ kind: 'post-processor-finished', index, chain, position, type, result, durationMs: performance.now() - started, error: result === 'failed' ? this.error : undefined });
    this.postProcessor = undefined;
  }

  /** `artifact,<i>,builder-id|id|string|files-count|file,<j>,<path>|end` */
  private artifact(data: string[]): void {
    const i = Number(data[0]);
    const a = this.found.get(i) ?? { files: [] };
    this.found.set(i, a);
    const [, key, ...rest] = data;
    if (key === 'builder-id') a.builderId = rest.join(',');
    else if (key === 'id') a.id = rest.join(',');
    else if (key === 'string') a.text = rest.join(',');
    else if (key === 'file') a.files.push(rest.slice(1).join(','));
  }

  end(result: RunResult): void {
    this.finishProvisioner(result);
    this.finishPostProcessor(result);
  }

  artifacts(): ArtifactSummary[] {
    return [...this.found.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, a]) => ({ id: a.id ?? '', builderId: a.builderId ?? '', files: a.files.filter(Boolean), text: a.text ?? '', state: {} }));
  }
}
