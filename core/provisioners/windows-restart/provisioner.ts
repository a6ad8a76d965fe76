/**
 * The windows-restart provisioner (Packer 1.14 provisioner/windows-restart), over SSH (Windows OpenSSH): sends
 * restart_command, makes sure the machine really is going down (Packer's `shutdown /t 60` probe, aborted if it was
 * not), then waits for the communicator to come back — the SSH communicator reconnects by itself once the machine
 * answers — and runs restart_check_command, Packer's "restarted." echo and, with check_registry, the pending-reboot
 * registry keys until all pass or restart_timeout runs out.
 */
import { cancelled, err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { durationMs } from '../../engine/durations';
import type { Communicator, ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';
import { sleep } from '../../engine/retry';
import type { ComponentConfig } from '../../template/model';
import { DEFAULT_REGISTRY_KEYS, DEFAULT_RESTART_COMMAND } from './config';

export interface WindowsRestartConfig {
  restartCommand: string;
  restartCheckCommand: string;
  restartTimeout: string;
  restartTimeoutMs: number;
  checkRegistry: boolean;
  registryKeys: string[];
}

/** A PowerShell command as Packer's WinRM library encodes it: progress off, UTF-16LE, base64, `powershell.exe -EncodedCommand`. */
export function encodedPowershell(command: string): string {
  const text = `$ProgressPreference = 'SilentlyContinue';${command}`;
  return `powershell.exe -EncodedCommand ${Buffer.from(text, 'utf16le').toString('base64')}`;
}

/** Packer's own check that the machine is back: its output must contain "restarted.". */
export const DEFAULT_RESTART_CHECK_COMMAND = encodedPowershell('echo ("{0} restarted." -f [System.Net.Dns]::GetHostName())');
/** Schedules a restart a minute away: refused (1115, 1190, 1717) while one is under way, so it tells whether ours began. */
export const TRY_CHECK_REBOOT = 'shutdown /r /f /t 60 /c "packer restart test"';
export const ABORT_REBOOT = 'shutdown /a';
/** Windows' "shutdown in progress", "shutdown already scheduled" and "unknown interface" (the machine is going down). */
const REBOOT_UNDER_WAY = [1115, 1190, 1717];
/** Exit statuses of restart_command that mean the restart was accepted. */
const RESTART_ACCEPTED = [0, 1115, 1190];
const UNDER_WAY_WAIT_MS = 10_000;
/** Packer waits this long before each check that the machine is back. */
const CHECK_INTERVAL_MS = 5_000;

export function readWindowsRestartConfig(config: ComponentConfig): Result<WindowsRestartConfig, string[]> {
  const f = new ConfigFields(config, 'windows-restart');
  const restartTimeout = f.string('restart_timeout', '5m');
  const timeout = durationMs(restartTimeout);
  if (!timeout.ok) f.error(`restart_timeout: ${timeout.error}`);
  const keys = f.stringList('registry_keys');
  const cfg: WindowsRestartConfig = {
    // Packer treats an empty setting as unset.
    restartCommand: f.string('restart_command') || DEFAULT_RESTART_COMMAND,
    restartCheckCommand: f.string('restart_check_command') || DEFAULT_RESTART_CHECK_COMMAND,
    restartTimeout: restartTimeout || '5m',
    restartTimeoutMs: timeout.ok && timeout.value > 0 ? timeout.value : 5 * 60_000,
    checkRegistry: f.bool('check_registry'),
    registryKeys: keys.length > 0 ? keys : [...DEFAULT_REGISTRY_KEYS],
  };
  return f.errors.length > 0 ? err(f.errors) : ok(cfg);
}

export const windowsRestartProvisioner: ProvisionerPlugin = {
  type: 'windows-restart',
  prepare(config) {
    const read = readWindowsRestartConfig(config);
    if (!read.ok) return read;
    const cfg = read.value;
    return ok({ provision: (ctx) => runWindowsRestart(cfg, ctx) });
  },
};

type Outcome = Result<{ exitCode: number; stdout: string }>;

/** Runs a command with its output shown (Packer's RunWithUi), keeping its standard output for the checks that read it. */
async function shown(comm: Communicator, ctx: ProvisionContext, command: string, signal: AbortSignal): Promise<Outcome> {
  const stdout: string[] = [];
  const r = await comm.run(command, {
    signal,
    onLine: (stream, line) => {
      if (stream === 'stdout') stdout.push(line);
      ctx.ui.output(stream, line);
    },
  });
  return r.ok ? ok({ exitCode: r.value.exitCode, stdout: stdout.join('\n') }) : r;
}

export async function runWindowsRestart(cfg: WindowsRestartConfig, ctx: ProvisionContext): Promise<Result> {
  const comm = ctx.communicator;
  if (!comm) return err('The windows-restart provisioner needs a communicator to reach the machine; this build has none.');
  ctx.ui.say('Restarting Machine');
  const sendBy = AbortSignal.any([ctx.signal, AbortSignal.timeout(cfg.restartTimeoutMs)]);
  const sent = await shown(comm, ctx, cfg.restartCommand, sendBy);
  if (ctx.signal.aborted) return cancelled();
  if (!sent.ok) {
    if (sendBy.aborted) return err(`The machine did not answer the restart command within restart_timeout (${cfg.restartTimeout}): ${sent.error}`);
    // The connection went in the middle of the command: the machine is already going down. (Packer over SSH would
    // report a "non-zero exit status" for the lost session; a restart that started is what was asked for.)
    ctx.ui.log(`The connection dropped while the restart command ran, as a restart does: ${sent.error}`);
  } else if (!RESTART_ACCEPTED.includes(sent.value.exitCode)) {
    return err(`Restart script exited with non-zero exit status: ${sent.value.exitCode}`);
  }
  ctx.ui.say('Waiting for machine to restart...');
  const timeout = AbortSignal.timeout(cfg.restartTimeoutMs);
  const waitBy = AbortSignal.any([ctx.signal, timeout]);
  const back = await waitForRestart(comm, cfg, ctx, waitBy);
  if (ctx.signal.aborted) return cancelled();
  if (timeout.aborted) return err('Timeout waiting for machine to restart.');
  if (!back.ok) return err(`Error waiting for machine to restart: ${back.error}`);
  ctx.ui.say('Machine successfully restarted, moving on');
  return ok();
}

/** Resolves when the machine is back; `signal` ends at restart_timeout (the caller tells a timeout from a cancel). */
async function waitForRestart(comm: Communicator, cfg: WindowsRestartConfig, ctx: ProvisionContext, signal: AbortSignal): Promise<Result> {
  // Is our restart under way? A refused probe says yes; a lost connection too; a probe accepted means it is not, so
  // the probe's own restart is aborted and the checks below wait for the machine as it is.
  for (;;) {
    const probe = await shown(comm, ctx, TRY_CHECK_REBOOT, signal);
    if (signal.aborted) return cancelled();
    if (!probe.ok || probe.value.exitCode === 1) break;
    if (probe.value.exitCode === 0) {
      const aborted = await shown(comm, ctx, ABORT_REBOOT, signal);
      if (!aborted.ok) ctx.ui.log(`Could not abort the test restart (${aborted.error}); the machine will restart in a minute.`);
      break;
    }
    // Packer asks again at once for other statuses; waiting keeps a machine in an odd state from being flooded.
    const wait = REBOOT_UNDER_WAY.includes(probe.value.exitCode) ? UNDER_WAY_WAIT_MS : CHECK_INTERVAL_MS;
    if (!(await sleep(wait, signal))) return cancelled();
  }
  let customCheck = cfg.restartCheckCommand !== DEFAULT_RESTART_CHECK_COMMAND;
  for (;;) {
    if (!(await sleep(CHECK_INTERVAL_MS, signal))) return cancelled();
    if (customCheck) {
      const r = await shown(comm, ctx, cfg.restartCheckCommand, signal);
      if (signal.aborted) return cancelled();
      // Only a failure to run it counts, as in Packer: its exit status is the user's to show.
      if (!r.ok) {
        ctx.ui.log(`Communication connection err: ${r.error}`);
        continue;
      }
      customCheck = false;
    }
    const echo = await shown(comm, ctx, DEFAULT_RESTART_CHECK_COMMAND, signal);
    if (signal.aborted) return cancelled();
    if (!echo.ok || !echo.value.stdout.includes('restarted.')) continue;
    if (cfg.checkRegistry && (await rebootPending(comm, cfg, ctx, signal))) continue;
    return ok();
  }
}

/** Whether any registry key that marks a pending reboot is present (or could not be asked about). */
async function rebootPending(comm: Communicator, cfg: WindowsRestartConfig, ctx: ProvisionContext, signal: AbortSignal): Promise<boolean> {
  let pending = false;
  for (const key of cfg.registryKeys) {
    const r = await shown(comm, ctx, encodedPowershell(`Test-Path "${key}"`), signal);
    if (!r.ok || r.value.stdout.includes('True')) pending = true;
  }
  return pending;
}
