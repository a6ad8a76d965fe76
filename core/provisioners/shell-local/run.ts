/**
 * Local shell execution shared by the shell-local provisioner and post-processor: Packer's inline/script/scripts,
 * environment_vars, execute_command and valid_exit_codes.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cancelled, CANCELLED, err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { runLocalCommand } from '../../engine/local-command';
import { fillPlaceholders } from '../../engine/placeholders';
import type { BuildInfo, Ui } from '../../engine/plugin';
import type { ComponentConfig } from '../../template/model';
import { flattenEnvVars } from '../shared/env-vars';

export interface ShellLocalConfig {
  inline: string[];
  inlineShebang: string;
  scripts: string[];
  environmentVars: string[];
  envVarFormat: string;
  executeCommand: string[];
  validExitCodes: number[];
  tempfileExtension: string;
}

/** Validates the config as Packer does; `command` is the post-processor's older spelling of a one-line inline. */
export function prepareShellLocal(config: ComponentConfig, where: string, acceptsCommand: boolean): Result<ShellLocalConfig, string[]> {
  const f = new ConfigFields(config, where);
  const command = acceptsCommand ? f.string('command') : '';
  let inline = f.stringList('inline');
  if (command !== '') inline = [command];
  const script = f.string('script');
  let scripts = f.stringList('scripts');
  let executeCommand = f.stringList('execute_command');
  if (executeCommand.length === 0) executeCommand = ['/bin/sh', '-c', '{{.Vars}} {{.Script}}'];
  const sources = [command !== '', f.has('inline'), script !== '', scripts.length > 0].filter(Boolean).length;
  if (sources === 0) f.error(`${acceptsCommand ? 'Command, ' : ''}Inline, Script and Scripts options cannot all be empty.`);
  else if (sources > 1) f.error(`Only one of ${acceptsCommand ? 'Command, ' : ''}Inline, Script, or Scripts can be set.`);
  if (script !== '') scripts = [script, ...scripts];
  for (const s of scripts) if (!existsSync(s)) f.error(`Bad script '${s}': stat ${s}: no such file or directory`);
  const environmentVars: string[] = [];
  for (const kv of f.stringList('environment_vars')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) f.error(`Environment variable not in format 'key=value': ${kv}`);
    else environmentVars.push(`${kv.slice(0, eq)}=${kv.slice(eq + 1).replace(/'/g, `'"'"'`)}`);
  }
  const codes = f.numberList('valid_exit_codes');
  if (f.errors.length > 0) return err(f.errors);
  return {
    ok: true,
    value: {
      inline,
      inlineShebang: f.string('inline_shebang', '/bin/sh -e'),
      scripts,
      environmentVars,
      envVarFormat: f.string('env_var_format', "%s='%s' "),
      executeCommand,
      validExitCodes: codes.length > 0 ? codes : [0],
      tempfileExtension: f.string('tempfile_extension'),
    },
  };
}

export interface ShellLocalRun {
  ui: Ui;
  signal: AbortSignal;
  build: BuildInfo;
}

export async function runShellLocal(cfg: ShellLocalConfig, run: ShellLocalRun): Promise<Result> {
  let tempScript: string | undefined;
  try {
    let scripts = cfg.scripts;
    if (cfg.inline.length > 0) {
      tempScript = join(tmpdir(), `packer-shell${randomBytes(5).readUInt32BE(0)}${cfg.tempfileExtension}`);
      const shebang = cfg.inlineShebang ? `#!${cfg.inlineShebang}\n` : '';
      writeFileSync(tempScript, `${shebang}${cfg.inline.map((l) => `${l}\n`).join('')}`, { mode: 0o700 });
      chmodSync(tempScript, 0o700);
      scripts = [tempScript];
    }
    const vars = flattenedVars(cfg, run.build);
    for (const script of scripts) {
      if (run.signal.aborted) return cancelled();
      run.ui.say(`Running local shell script: ${script}`);
      const argv = cfg.executeCommand.map((a) => fillPlaceholders(a, { Vars: vars, Script: script, Command: script }));
      const result = await runLocalCommand({ argv, env: run.build.env, cwd: run.build.cwd, signal: run.signal, onLine: (s, l) => run.ui.output(s, l) });
      if (result.kind === 'failed') return err(`Error executing script: ${script}\n\n${result.error}`);
      if (result.kind === 'killed') {
        return err(result.cancelled ? CANCELLED : `Script was terminated by signal ${result.signal}: ${script}`);
      }
      if (!cfg.validExitCodes.includes(result.exitCode)) {
        return err(`Script exited with non-zero exit status: ${result.exitCode}.Allowed exit codes are: [${cfg.validExitCodes.join(' ')}]`);
      }
    }
    return ok();
  } finally {
    if (tempScript) rmSync(tempScript, { force: true });
  }
}

/** `{{.Vars}}`: PACKER_BUILD_NAME, PACKER_BUILDER_TYPE and environment_vars, sorted by name, in env_var_format. */
function flattenedVars(cfg: ShellLocalConfig, build: BuildInfo): string {
  const vars = new Map<string, string>([
    ['PACKER_BUILD_NAME', build.name],
    ['PACKER_BUILDER_TYPE', build.builderType],
  ]);
  for (const kv of cfg.environmentVars) {
    const eq = kv.indexOf('=');
    vars.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return flattenEnvVars(vars, cfg.envVarFormat);
}
