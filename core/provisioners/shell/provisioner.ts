/**
 * The shell provisioner: uploads each script (inline commands become one script) to the machine and runs it there
 * with execute_command, the way Packer's shell provisioner does.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OutputStream } from '../../common/output';
import { CANCELLED, cancelled, err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { durationMs } from '../../engine/durations';
import { fillPlaceholders } from '../../engine/placeholders';
import type { BuildInfo, CommandResult, Communicator, ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';
import { sleep } from '../../engine/retry';
import type { ComponentConfig } from '../../template/model';
import { shellQuote } from '../../communicators/shell-quote';
import { flattenEnvVars, packerEnvVars } from '../shared/env-vars';
import { readScriptSource } from '../shared/script-source';

export interface ShellConfig {
  inline: string[];
  inlineShebang: string;
  scripts: string[];
  /** environment_vars then the `env` map, with single quotes already escaped for the shell. */
  environmentVars: Array<[string, string]>;
  envVarFormat: string;
  executeCommand: string;
  useEnvVarFile: boolean;
  remoteFolder: string;
  remotePath: string;
  validExitCodes: number[];
  skipClean: boolean;
  expectDisconnect: boolean;
  binary: boolean;
  pauseAfter: string;
  pauseAfterMs: number;
  startRetryTimeout: string;
  /** How long sending a script may wait for the machine (a communicator reconnecting after a reboot). */
  startRetryTimeoutMs: number;
}

export function readShellConfig(config: ComponentConfig, cwd: string): Result<ShellConfig, string[]> {
  const f = new ConfigFields(config, 'shell');
  const { inline, scripts, environmentVars: written } = readScriptSource(f, cwd);
  const environmentVars = written.map(([k, v]): [string, string] => [k, escapeQuotes(v)]);
  const useEnvVarFile = f.bool('use_env_var_file');
  const remoteFolder = f.string('remote_folder', '/tmp');
  const remoteFile = f.string('remote_file', `script_${randomInt(9999)}.sh`);
  const pauseAfter = f.string('pause_after');
  const pause = durationMs(pauseAfter);
  if (!pause.ok) f.error(`pause_after: ${pause.error}`);
  const startRetryTimeout = f.string('start_retry_timeout', '5m');
  const startRetry = durationMs(startRetryTimeout);
  if (!startRetry.ok) f.error(`start_retry_timeout: ${startRetry.error}`);
  const codes = f.numberList('valid_exit_codes');
  if (f.errors.length > 0) return err(f.errors);
  return {
    ok: true,
    value: {
      inline,
      inlineShebang: f.string('inline_shebang', '/bin/sh -e'),
      scripts,
      environmentVars,
      envVarFormat: f.string('env_var_format', useEnvVarFile ? "export %s='%s'\n" : "%s='%s' "),
      executeCommand: f.string('execute_command', useEnvVarFile ? 'chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}' : 'chmod +x {{.Path}}; {{.Vars}} {{.Path}}'),
      useEnvVarFile,
      remoteFolder,
      remotePath: f.string('remote_path', `${remoteFolder}/${remoteFile}`),
      validExitCodes: codes.length > 0 ? codes : [0],
      skipClean: f.bool('skip_clean'),
      expectDisconnect: f.bool('expect_disconnect'),
      binary: f.bool('binary'),
      pauseAfter,
      pauseAfterMs: pause.ok ? pause.value : 0,
      startRetryTimeout,
      startRetryTimeoutMs: startRetry.ok ? startRetry.value : 5 * 60_000,
    },
  };
}

/** Packer escapes single quotes in values so they survive the default `'%s'` quoting. */
function escapeQuotes(value: string): string {
  return value.replace(/'/g, `'"'"'`);
}

export const shellProvisioner: ProvisionerPlugin = {
  type: 'shell',
  prepare(config, build) {
    const read = readShellConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    return ok({ provision: (ctx) => runShell(cfg, ctx) });
  },
};

export async function runShell(cfg: ShellConfig, ctx: ProvisionContext): Promise<Result> {
  const comm = ctx.communicator;
  if (!comm) return err('The shell provisioner needs a communicator to reach the machine; this build has none.');
  // Local copies (the inline script, line-ending fixes, the env var file) live here and go when we are done.
  const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-shell-'));
  try {
    let scripts = cfg.scripts;
    if (cfg.inline.length > 0) {
      const path = join(scratch, `packer-shell${randomInt(1e9)}`);
      const shebang = cfg.inlineShebang ? `#!${cfg.inlineShebang}\n` : '';
      writeFileSync(path, `${shebang}${cfg.inline.map((l) => `${l}\n`).join('')}`, { mode: 0o755 });
      scripts = [path];
    }
    const vars = flattenedVars(cfg, ctx.build, ctx.generated);
    let envVarFile = '';
    if (cfg.useEnvVarFile) {
      envVarFile = `${cfg.remoteFolder}/varfile_${randomInt(9999)}.sh`;
      const local = join(scratch, 'varfile.sh');
      writeFileSync(local, vars);
      const up = await comm.upload(local, envVarFile, ctx.signal);
      if (!up.ok) return err(`Error uploading envVarFile: ${up.error}`);
    }
    for (const script of scripts) {
      if (ctx.signal.aborted) return cancelled();
      ctx.ui.say(`Provisioning with shell script: ${script}`);
      const path = resolve(ctx.build.cwd, script);
      const local = cfg.binary ? path : unixLineEndings(path, scratch);
      const command = fillPlaceholders(cfg.executeCommand, { Vars: vars, Path: cfg.remotePath, EnvVarFile: envVarFile });
      const sent = await sendAndRun(comm, local, cfg, command, ctx);
      if (!sent.ok) return sent;
      const ran = sent.value;
      if (!ran.ok) {
        if (ctx.signal.aborted) return ran;
        if (!cfg.expectDisconnect) return ran;
        ctx.ui.message(`Lost the connection while running the script, as expect_disconnect allows: ${ran.error}`);
      } else if (!cfg.validExitCodes.includes(ran.value.exitCode)) {
        return err(`Script exited with non-zero exit status: ${ran.value.exitCode}.Allowed exit codes are: [${cfg.validExitCodes.join(' ')}]`);
      }
      // After a lost connection the removal in the same command may not have run.
      if (!cfg.skipClean && !ran.ok) {
        const rm = await quiet(comm, `rm -f ${cfg.remotePath}`, ctx.signal);
        if (!rm.ok) return err(`Error removing temporary script at ${cfg.remotePath}: ${rm.error}`);
      }
    }
    if (envVarFile !== '' && !cfg.skipClean) {
      const rm = await quiet(comm, `rm -f ${envVarFile}`, ctx.signal);
      if (!rm.ok) return err(`Error removing temporary script at ${envVarFile}: ${rm.error}`);
    }
    if (cfg.pauseAfterMs > 0) {
      ctx.ui.say(`Pausing ${cfg.pauseAfter} after this provisioner...`);
      if (!(await sleep(cfg.pauseAfterMs, ctx.signal))) return cancelled();
    }
    return ok();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Scripts up to this size travel on the command's standard input; bigger ones are uploaded. */
const MAX_SCRIPT_ON_STDIN = 8 * 1024 * 1024;

/**
 * Puts the script at remote_path and runs execute_command. Packer uploads it, then makes it executable, runs it and removes
 * it in three more round trips; here one command does the last three and keeps the script's exit status, and when the
 * communicator takes standard input (docker, without pty) the script travels on it, so one round trip does everything.
 * If the command's user cannot write remote_path (exec_user without rights on remote_folder) the script is uploaded
 * instead, as root, as Packer's upload does.
 * The outer Result fails only when the script could not be sent; the inner one is the command's, as `run` returns it.
 */
async function sendAndRun(comm: Communicator, local: string, cfg: ShellConfig, command: string, ctx: ProvisionContext): Promise<Result<Result<CommandResult>>> {
  const path = shellQuote(cfg.remotePath);
  const removeAfter = cfg.skipClean ? '' : ` rm -f ${path};`;
  // No input for the script itself, as when it runs without the script on stdin.
  const runIt = `(\n${command}\n) </dev/null; __bakehouse_status=$?;${removeAfter} exit $__bakehouse_status`;
  const onLine = (stream: OutputStream, line: string) => ctx.ui.output(stream, line);
  const size = statSync(local).size;
  // Sending the script is the start Packer retries for start_retry_timeout: a communicator waiting for the machine to
  // come back (SSH reconnecting after a reboot) gives up when it runs out, not after its own default.
  const startTimeout = AbortSignal.timeout(cfg.startRetryTimeoutMs);
  const notStarted = () => `Error uploading script: the machine did not answer within start_retry_timeout (${cfg.startRetryTimeout})`;
  if (comm.runWithInput && size <= MAX_SCRIPT_ON_STDIN) {
    const cannotWrite = `bakehouse-cannot-write-${randomBytes(8).toString('hex')}`;
    let refused = false;
    // `head -c` stops after the script's bytes: standard input stays open (see runWithInput).
    const write = `{ head -c ${size} > ${path} && chmod 0755 ${path}; } 2>/dev/null || { echo ${cannotWrite} >&2; exit 1; }`;
    const ran = await comm.runWithInput(`${write}; ${runIt}`, readFileSync(local), {
      signal: ctx.signal,
      startSignal: startTimeout,
      onLine: (stream, line) => {
        if (stream === 'stderr' && line === cannotWrite) refused = true;
        else onLine(stream, line);
      },
    });
    // Cancelled without the build being cancelled: start_retry_timeout ran out before the command could start.
    if (!ran.ok && ran.error === CANCELLED && !ctx.signal.aborted) return err(notStarted());
    if (!refused) return ok(ran);
  }
  const up = await comm.upload(local, cfg.remotePath, AbortSignal.any([ctx.signal, startTimeout]));
  if (!up.ok) {
    if (ctx.signal.aborted) return cancelled();
    if (startTimeout.aborted) return err(notStarted());
    return err(`Error uploading script: ${up.error}`);
  }
  return ok(await comm.run(`chmod 0755 ${path} && ${runIt}`, { signal: ctx.signal, onLine }));
}

/** Runs a housekeeping command; its output only matters when it fails. */
async function quiet(comm: Communicator, command: string, signal: AbortSignal): Promise<Result> {
  const lines: string[] = [];
  const r = await comm.run(command, { signal, onLine: (_s, l) => lines.push(l) });
  if (!r.ok) return r;
  if (r.value.exitCode !== 0) return err(`"${command}" exited with status ${r.value.exitCode}${lines.length ? `: ${lines.join('\n')}` : ''}`);
  return ok();
}

/** Packer converts CRLF to LF unless `binary` is set, so Windows-edited scripts run. */
function unixLineEndings(script: string, scratch: string): string {
  const text = readFileSync(script);
  if (!text.includes('\r\n')) return script;
  const copy = join(scratch, `unix-${randomInt(1e9)}.sh`);
  writeFileSync(copy, text.toString('binary').replace(/\r\n/g, '\n'), { encoding: 'binary', mode: statSync(script).mode & 0o777 });
  return copy;
}

/** `{{.Vars}}`: Packer's variables, then environment_vars and the `env` map (quotes already escaped), sorted, in env_var_format. */
export function flattenedVars(cfg: Pick<ShellConfig, 'environmentVars' | 'envVarFormat'>, build: BuildInfo, generated: Record<string, string>): string {
  const vars = packerEnvVars(build, generated);
  for (const [k, v] of cfg.environmentVars) vars.set(k, v);
  return flattenEnvVars(vars, cfg.envVarFormat);
}
