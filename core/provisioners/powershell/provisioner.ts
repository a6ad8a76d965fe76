/**
 * The powershell provisioner (Packer 1.14 provisioner/powershell), over SSH (Windows OpenSSH) or any communicator the
 * build has natively. For each script — inline commands become one .ps1, wrapped as Packer wraps them — the environment
 * variables file is uploaded to remote_env_var_path, the script to remote_path, and execute_command runs it; unless
 * skip_clean, a last script removes every uploaded file. `elevated_user` (a scheduled task Packer registers over WinRM's
 * elevated runner) is not done natively: such builds go to the user's Packer (core/packer-bridge), see `needsPacker`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { cancelled, err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { durationMs } from '../../engine/durations';
import { fillPlaceholders } from '../../engine/placeholders';
import type { Communicator, ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';
import { sleep } from '../../engine/retry';
import type { ComponentConfig } from '../../template/model';
import { flattenEnvVars, packerEnvVars } from '../shared/env-vars';
import { readScriptSource, type ScriptSource } from '../shared/script-source';
import { EXECUTION_POLICIES } from './config';

type ExecutionPolicy = (typeof EXECUTION_POLICIES)[number];

export interface PowershellConfig extends ScriptSource {
  envVarFormat: string;
  executeCommand: string;
  remotePath: string;
  remoteEnvVarPath: string;
  remoteCleanUpScriptPath: string;
  validExitCodes: number[];
  skipClean: boolean;
  debugMode: number;
  pauseAfter: string;
  pauseAfterMs: number;
  startRetryTimeout: string;
  startRetryTimeoutMs: number;
  elevatedUser: string;
}

/** Packer's retry waits this long between tries to upload and start a script. */
const RETRY_DELAY_MS = 2000;
/** The cleanup script is tried for a minute, every 10 seconds, as Packer does. */
const CLEANUP_TIMEOUT_MS = 60_000;
const CLEANUP_DELAY_MS = 10_000;

export const POWERSHELL_ENV_VAR_FORMAT = '$env:%s="%s"; ';

/** execute_command's default for inline commands: the wrapper written by `wrapInline` sets the variables itself. */
export function defaultInlineCommand(policy: ExecutionPolicy, usePwsh: boolean): string {
  if (policy === 'none') return '-file {{.Path}}';
  return `${usePwsh ? 'pwsh' : 'powershell'} -executionpolicy ${policy} -file {{.Path}}`;
}

/** execute_command's default for script files: dot-source the variables file, then call the script. */
export function defaultScriptCommand(policy: ExecutionPolicy, usePwsh: boolean, debugMode: number): string {
  const body =
    "& { if (Test-Path variable:global:ProgressPreference){set-variable -name variable:global:ProgressPreference -value 'SilentlyContinue'};" +
    (debugMode !== 0 ? `Set-PsDebug -Trace ${debugMode};` : '') +
    ". {{.Vars}}; &'{{.Path}}'; exit $LastExitCode }";
  if (policy === 'none') return body;
  return usePwsh ? `pwsh -executionpolicy ${policy} -command "${body}"` : `powershell -executionpolicy ${policy} "${body}"`;
}

/**
 * The .ps1 Packer writes for inline commands: progress bars off, Set-PsDebug at debug_mode, the variables, the commands
 * (each followed by a newline and a tab), and an exit status taken from $LASTEXITCODE or a caught error. Byte for byte
 * what Packer 1.14's template renders, tabs included, so a script that depends on its layout behaves the same.
 */
export function wrapInline(vars: string, commands: readonly string[], debugMode: number): string {
  const payload = commands.map((c) => `${c}\n\t`).join('');
  const debug = debugMode !== 0 ? `\n\tSet-PsDebug -Trace ${debugMode}` : '';
  return (
    "\n\tif (Test-Path variable:global:ProgressPreference) {\n\t  set-variable -name variable:global:ProgressPreference -value 'SilentlyContinue'\n\t}\n\t" +
    debug +
    `\n\t$exitCode = 0\n\ttry {\n\t${vars}\n\t${payload}\n\t$exitCode = 0\n\t} catch {\n\tWrite-Error "An error occurred: $_"\n\t$exitCode = 1\n\t}\n\t\n\t` +
    'if ($LASTEXITCODE -ne $null -and $LASTEXITCODE -ne 0) {\n\t\t$exitCode = $LASTEXITCODE\n\t}\n\texit $exitCode\n\n'
  );
}

/** PowerShell's backtick escapes for the characters a double-quoted value would otherwise interpret. */
export function psEscape(value: string): string {
  return value.replace(/[$"`']/g, (c) => `\`${c}`);
}

export function readPowershellConfig(config: ComponentConfig, cwd: string): Result<PowershellConfig, string[]> {
  const f = new ConfigFields(config, 'powershell');
  const source = readScriptSource(f, cwd);
  const policyText = f.string('execution_policy', 'bypass').toLowerCase();
  const policy = (EXECUTION_POLICIES as readonly string[]).includes(policyText) ? (policyText as ExecutionPolicy) : 'bypass';
  const usePwsh = f.bool('use_pwsh');
  const debugMode = f.number('debug_mode');
  const startRetryTimeout = f.string('start_retry_timeout', '5m');
  const startRetry = durationMs(startRetryTimeout);
  if (!startRetry.ok) f.error(`start_retry_timeout: ${startRetry.error}`);
  const pauseAfter = f.string('pause_after');
  const pause = durationMs(pauseAfter);
  if (!pause.ok) f.error(`pause_after: ${pause.error}`);
  const inlineOnly = source.inline.length > 0 && source.scripts.length === 0;
  const defaultCommand = inlineOnly ? defaultInlineCommand(policy, usePwsh) : defaultScriptCommand(policy, usePwsh, debugMode);
  const codes = f.numberList('valid_exit_codes');
  const elevatedUser = f.string('elevated_user');
  const cfg: PowershellConfig = {
    ...source,
    // Packer escapes the values of environment_vars and env for PowerShell's double quotes.
    environmentVars: source.environmentVars.map(([k, v]): [string, string] => [k, psEscape(v)]),
    // Packer treats an empty setting as unset for these.
    envVarFormat: (elevatedUser ? f.string('elevated_env_var_format') : f.string('env_var_format')) || POWERSHELL_ENV_VAR_FORMAT,
    executeCommand: (elevatedUser ? f.string('elevated_execute_command') : f.string('execute_command')) || defaultCommand,
    remotePath: f.string('remote_path') || `c:/Windows/Temp/script-${randomUUID()}.ps1`,
    remoteEnvVarPath: f.string('remote_env_var_path') || `c:/Windows/Temp/packer-ps-env-vars-${randomUUID()}.ps1`,
    remoteCleanUpScriptPath: `c:/Windows/Temp/packer-cleanup-${randomUUID()}.ps1`,
    validExitCodes: codes.length > 0 ? codes : [0],
    skipClean: f.bool('skip_clean'),
    debugMode,
    pauseAfter,
    pauseAfterMs: pause.ok ? pause.value : 0,
    startRetryTimeout,
    startRetryTimeoutMs: startRetry.ok && startRetry.value > 0 ? startRetry.value : 5 * 60_000,
    elevatedUser,
  };
  return f.errors.length > 0 ? err(f.errors) : ok(cfg);
}

/** Why Bakehouse cannot run this configuration itself, if it cannot: the engine hands such builds to the user's Packer. */
export function powershellNeedsPacker(config: ComponentConfig): string | undefined {
  if (new ConfigFields(config, 'powershell').string('elevated_user') === '') return undefined;
  return 'elevated_user runs the scripts as a Windows scheduled task, which Bakehouse does not do itself yet: install Packer (1.7 or newer) so the build runs through it, or remove elevated_user';
}

export const powershellProvisioner: ProvisionerPlugin = {
  type: 'powershell',
  needsPacker: powershellNeedsPacker,
  prepare(config, build) {
    const refused = powershellNeedsPacker(config);
    if (refused) return err([refused]);
    const read = readPowershellConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    return ok({ provision: (ctx) => runPowershell(cfg, ctx) });
  },
};

export async function runPowershell(cfg: PowershellConfig, ctx: ProvisionContext): Promise<Result> {
  ctx.ui.say('Provisioning with Powershell...');
  const comm = ctx.communicator;
  if (!comm) return err('The powershell provisioner needs a communicator to reach the machine; this build has none.');
  const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-powershell-'));
  try {
    const vars = flattenEnvVars(new Map([...packerEnvVars(ctx.build, ctx.generated), ...cfg.environmentVars]), cfg.envVarFormat);
    const envFile = join(scratch, 'env-vars.ps1');
    writeFileSync(envFile, vars);
    const scripts = cfg.scripts.map((s) => ({ shown: s, local: resolve(ctx.build.cwd, s) }));
    if (cfg.inline.length > 0) {
      const local = join(scratch, 'powershell-provisioner.ps1');
      writeFileSync(local, wrapInline(vars, cfg.inline, cfg.debugMode));
      scripts.push({ shown: local, local });
    }
    const uploaded = [cfg.remoteEnvVarPath];
    let remotePath = cfg.remotePath;
    for (const script of scripts) {
      if (ctx.signal.aborted) return cancelled();
      ctx.ui.say(`Provisioning with powershell script: ${script.shown}`);
      // A remote_path naming a folder gets the script's own name, and keeps it for the scripts after.
      if (remotePath.endsWith('/')) remotePath += basename(script.local);
      const env = await retryStart(ctx, cfg, async (signal) => {
        const up = await comm.upload(envFile, cfg.remoteEnvVarPath, signal);
        return up.ok ? ok(0) : err(`Error uploading ps script containing env vars: ${up.error}`);
      });
      if (!env.ok) return env;
      const command = fillPlaceholders(cfg.executeCommand, { Path: remotePath, Vars: cfg.remoteEnvVarPath });
      const ran = await retryStart(ctx, cfg, (signal) => uploadAndRun(comm, ctx, script.local, remotePath, command, signal));
      if (!ran.ok) return ran;
      uploaded.push(remotePath);
      if (!cfg.validExitCodes.includes(ran.value)) {
        return err(`Script exited with non-zero exit status: ${ran.value}. Allowed exit codes are: [${cfg.validExitCodes.join(' ')}]`);
      }
    }
    // Packer returns here, so skip_clean also skips pause_after.
    if (cfg.skipClean) return ok();
    const cleaned = await cleanUp(comm, cfg, ctx, uploaded, scratch);
    if (!cleaned.ok && ctx.signal.aborted) return cancelled();
    if (!cleaned.ok) ctx.ui.log(`remote cleanup script failed; skipping the removal of temporary files: ${uploaded.join(',')}: ${cleaned.error}`);
    if (cfg.pauseAfterMs > 0) {
      ctx.ui.say(`Pausing ${cfg.pauseAfter} after this provisioner...`);
      if (!(await sleep(cfg.pauseAfterMs, ctx.signal))) return cancelled();
    }
    return ok();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function uploadAndRun(comm: Communicator, ctx: ProvisionContext, local: string, remote: string, command: string, signal: AbortSignal): Promise<Result<number>> {
  const up = await comm.upload(local, remote, signal);
  if (!up.ok) return err(`Error uploading script: ${up.error}`);
  const ran = await comm.run(command, { signal: ctx.signal, onLine: (stream, line) => ctx.ui.output(stream, line) });
  return ran.ok ? ok(ran.value.exitCode) : ran;
}

/**
 * Tries `attempt` again every 2 seconds until start_retry_timeout has passed, as Packer does while a Windows machine
 * reboots; the signal given to each attempt ends at that deadline, so a communicator reconnecting gives up with it.
 */
async function retryStart(ctx: ProvisionContext, cfg: PowershellConfig, attempt: (signal: AbortSignal) => Promise<Result<number>>): Promise<Result<number>> {
  const deadline = Date.now() + cfg.startRetryTimeoutMs;
  for (;;) {
    const left = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const r = await attempt(AbortSignal.any([ctx.signal, left]));
    if (ctx.signal.aborted) return cancelled();
    if (r.ok) return r;
    if (left.aborted || Date.now() >= deadline) {
      return err(left.aborted ? `${r.error.replace(/:.*$/, '')}: the machine did not answer within start_retry_timeout (${cfg.startRetryTimeout})` : r.error);
    }
    ctx.ui.log(`Retryable error: ${r.error}`);
    if (!(await sleep(RETRY_DELAY_MS, ctx.signal))) return cancelled();
  }
}

/**
 * Uploads a script that removes every uploaded file (the variables file, each script, itself) and runs it with
 * execute_command, its output shown, as Packer does. Tried for a minute; an exit status is not checked.
 */
async function cleanUp(comm: Communicator, cfg: PowershellConfig, ctx: ProvisionContext, uploaded: readonly string[], scratch: string): Promise<Result> {
  const local = join(scratch, 'cleanup.ps1');
  writeFileSync(local, [...uploaded, cfg.remoteCleanUpScriptPath].map((f) => `if (Test-Path ${f}) {Remove-Item ${f}}\n`).join(''));
  const command = fillPlaceholders(cfg.executeCommand, { Path: cfg.remoteCleanUpScriptPath, Vars: cfg.remoteEnvVarPath });
  const deadline = Date.now() + CLEANUP_TIMEOUT_MS;
  for (;;) {
    const r = await uploadAndRun(comm, ctx, local, cfg.remoteCleanUpScriptPath, command, AbortSignal.any([ctx.signal, AbortSignal.timeout(CLEANUP_TIMEOUT_MS)]));
    if (r.ok || ctx.signal.aborted || Date.now() + CLEANUP_DELAY_MS > deadline) return r.ok ? ok() : r;
    ctx.ui.log(`Retryable error: ${r.error}`);
    if (!(await sleep(CLEANUP_DELAY_MS, ctx.signal))) return cancelled();
  }
}
