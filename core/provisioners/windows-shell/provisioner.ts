/**
 * The windows-shell provisioner (Packer 1.14 provisioner/windows-shell): each script (inline commands become one, a
 * line each) is uploaded to remote_path and run with execute_command, over whichever communicator the build has.
 * Unlike shell, nothing is made executable or removed afterwards: cmd.exe runs a .bat as it is, and Packer leaves it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cancelled, err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { durationMs } from '../../engine/durations';
import { fillPlaceholders } from '../../engine/placeholders';
import type { Communicator, ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';
import { sleep } from '../../engine/retry';
import type { ComponentConfig } from '../../template/model';
import { flattenEnvVars, packerEnvVars } from '../shared/env-vars';
import { readScriptSource, type ScriptSource } from '../shared/script-source';
import { WINDOWS_SHELL_DEFAULTS } from './config';

export interface WindowsShellConfig extends ScriptSource {
  envVarFormat: string;
  executeCommand: string;
  remotePath: string;
  validExitCodes: number[];
  startRetryTimeout: string;
  startRetryTimeoutMs: number;
}

/** Packer's retry waits this long between tries to upload and start a script. */
const RETRY_DELAY_MS = 2000;

export function readWindowsShellConfig(config: ComponentConfig, cwd: string): Result<WindowsShellConfig, string[]> {
  const f = new ConfigFields(config, 'windows-shell');
  const source = readScriptSource(f, cwd);
  const startRetryTimeout = f.string('start_retry_timeout', '5m');
  const startRetry = durationMs(startRetryTimeout);
  if (!startRetry.ok) f.error(`start_retry_timeout: ${startRetry.error}`);
  const codes = f.numberList('valid_exit_codes');
  const cfg: WindowsShellConfig = {
    ...source,
    // Packer treats an empty setting as unset for these three.
    envVarFormat: f.string('env_var_format') || WINDOWS_SHELL_DEFAULTS.envVarFormat,
    executeCommand: f.string('execute_command') || WINDOWS_SHELL_DEFAULTS.executeCommand,
    remotePath: f.string('remote_path') || WINDOWS_SHELL_DEFAULTS.remotePath,
    validExitCodes: codes.length > 0 ? codes : [0],
    startRetryTimeout,
    startRetryTimeoutMs: startRetry.ok && startRetry.value > 0 ? startRetry.value : 5 * 60_000,
  };
  return f.errors.length > 0 ? err(f.errors) : ok(cfg);
}

export const windowsShellProvisioner: ProvisionerPlugin = {
  type: 'windows-shell',
  prepare(config, build) {
    const read = readWindowsShellConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    return ok({ provision: (ctx) => runWindowsShell(cfg, ctx) });
  },
};

export async function runWindowsShell(cfg: WindowsShellConfig, ctx: ProvisionContext): Promise<Result> {
  ctx.ui.say('Provisioning with windows-shell...');
  if (!ctx.communicator) return err('The windows-shell provisioner needs a communicator to reach the machine; this build has none.');
  const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-windows-shell-'));
  try {
    const scripts = cfg.scripts.map((s) => resolve(ctx.build.cwd, s));
    if (cfg.inline.length > 0) {
      const path = join(scratch, 'windows-shell-provisioner');
      writeFileSync(path, cfg.inline.map((l) => `${l}\n`).join(''));
      scripts.push(path);
    }
    const vars = flattenEnvVars(new Map([...packerEnvVars(ctx.build, ctx.generated), ...cfg.environmentVars]), cfg.envVarFormat);
    const command = fillPlaceholders(cfg.executeCommand, { Vars: vars, Path: cfg.remotePath });
    for (const [i, script] of scripts.entries()) {
      if (ctx.signal.aborted) return cancelled();
      // Packer names the script as the user wrote it, or its temporary copy of the inline commands.
      ctx.ui.say(`Provisioning with shell script: ${cfg.scripts[i] ?? script}`);
      const ran = await uploadAndRun(ctx.communicator, cfg, ctx, script, command);
      if (!ran.ok) return ran;
      if (!cfg.validExitCodes.includes(ran.value)) {
        return err(`Script exited with non-zero exit status: ${ran.value}. Allowed exit codes are: [${cfg.validExitCodes.join(' ')}]`);
      }
    }
    return ok();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Uploads the script and runs the command, trying both again every 2 seconds until start_retry_timeout has passed,
 * as Packer does while a Windows machine reboots. Resolves with the command's exit status.
 */
async function uploadAndRun(comm: Communicator, cfg: WindowsShellConfig, ctx: ProvisionContext, local: string, command: string): Promise<Result<number>> {
  const deadline = Date.now() + cfg.startRetryTimeoutMs;
  for (;;) {
    // A communicator reconnecting to the machine gives up when start_retry_timeout runs out, not after its own default.
    const left = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const up = await comm.upload(local, cfg.remotePath, AbortSignal.any([ctx.signal, left]));
    let attempt: Result<number>;
    if (!up.ok) {
      attempt = err(left.aborted ? `Error uploading script: the machine did not answer within start_retry_timeout (${cfg.startRetryTimeout})` : `Error uploading script: ${up.error}`);
    } else {
      const ran = await comm.run(command, { signal: ctx.signal, onLine: (stream, line) => ctx.ui.output(stream, line) });
      attempt = ran.ok ? ok(ran.value.exitCode) : ran;
    }
    if (ctx.signal.aborted) return cancelled();
    if (attempt.ok || Date.now() >= deadline) return attempt;
    ctx.ui.log(`Retryable error: ${attempt.error}`);
    if (!(await sleep(RETRY_DELAY_MS, ctx.signal))) return cancelled();
  }
}
