/**
 * The salt-masterless provisioner: bootstraps Salt (unless skip_bootstrap), uploads the state tree, pillar roots,
 * minion configuration and grains through temp_config_dir, moves them into place and runs
 * `salt-call --local state.highstate` (or state.sls custom_state), as Packer's does (Unix guests).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';
import type { ComponentConfig } from '../../template/model';
import { shellQuote } from '../../communicators/shell-quote';
import { createStagingDir, runQuiet, runShown, sudoPrefix, uploadDirContents, uploadFile } from '../shared/remote';

const BOOTSTRAP_URL = 'https://bootstrap.saltstack.com';
const BOOTSTRAP_SCRIPT = '/tmp/install_salt.sh';
const CONFIG_DIR = '/etc/salt';

export interface SaltConfig {
  skipBootstrap: boolean;
  bootstrapArgs: string;
  disableSudo: boolean;
  minionConfig: string;
  grainsFile: string;
  localStateTree: string;
  localPillarRoots: string;
  remoteStateTree: string;
  remotePillarRoots: string;
  tempConfigDir: string;
  saltBinDir: string;
  /** Everything after `salt-call --local`, as Packer assembles it at prepare time. */
  cmdArgs: string;
}

export function readSaltConfig(config: ComponentConfig, cwd: string): Result<SaltConfig, string[]> {
  const f = new ConfigFields(config, 'salt-masterless');
  const check = (field: string, p: string, want: 'file' | 'dir'): void => {
    if (p === '') return;
    try {
      const isDir = statSync(resolve(cwd, p)).isDirectory();
      if (isDir !== (want === 'dir')) f.error(`${field}: path '${p}' must point to a ${want === 'file' ? 'file' : 'directory'}`);
    } catch {
      f.error(`${field}: path '${p}' is invalid: stat ${p}: no such file or directory`);
    }
  };
  const localStateTree = f.string('local_state_tree');
  if (localStateTree === '') f.error('local_state_tree cannot be empty');
  check('local_state_tree', localStateTree, 'dir');
  const localPillarRoots = f.string('local_pillar_roots');
  check('local_pillar_roots', localPillarRoots, 'dir');
  const minionConfig = f.string('minion_config');
  check('minion_config', minionConfig, 'file');
  const grainsFile = f.string('grains_file');
  check('grains_file', grainsFile, 'file');
  if (minionConfig !== '' && (f.has('remote_state_tree') || f.has('remote_pillar_roots'))) {
    f.error('remote_state_tree and remote_pillar_roots only apply when minion_config is not used');
  }
  if (f.stringList('formulas').length > 0) f.error('formulas are not supported by Bakehouse yet: fetch them into local_state_tree instead');
  const remoteStateTree = f.string('remote_state_tree', '/srv/salt');
  const remotePillarRoots = f.string('remote_pillar_roots', '/srv/pillar');
  const customState = f.string('custom_state');
  const logLevel = f.string('log_level', 'info');
  const saltCallArgs = f.string('salt_call_args');
  let cmdArgs = customState === '' ? ' state.highstate' : ` state.sls ${customState}`;
  // Without a minion config salt-call is told where the trees are; with one, the config says.
  if (minionConfig === '') cmdArgs += ` --file-root=${remoteStateTree} --pillar-root=${remotePillarRoots}`;
  if (!f.bool('no_exit_on_failure')) cmdArgs += ' --retcode-passthrough';
  cmdArgs += ` -l ${logLevel}`;
  if (saltCallArgs !== '') cmdArgs += ` ${saltCallArgs}`;
  if (f.errors.length > 0) return err(f.errors);
  return {
    ok: true,
    value: {
      skipBootstrap: f.bool('skip_bootstrap'),
      bootstrapArgs: f.string('bootstrap_args'),
      disableSudo: f.bool('disable_sudo'),
      minionConfig,
      grainsFile,
      localStateTree,
      localPillarRoots,
      remoteStateTree,
      remotePillarRoots,
      tempConfigDir: f.string('temp_config_dir', '/tmp/salt'),
      saltBinDir: f.string('salt_bin_dir'),
      cmdArgs,
    },
  };
}

export const saltMasterlessProvisioner: ProvisionerPlugin = {
  type: 'salt-masterless',
  prepare(config, build) {
    const read = readSaltConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    return ok({ provision: (ctx) => runSalt(cfg, ctx) });
  },
};

async function runSalt(cfg: SaltConfig, ctx: ProvisionContext): Promise<Result> {
  const comm = ctx.communicator;
  if (!comm) return err('The salt-masterless provisioner needs a communicator to reach the machine; this build has none.');
  const sudoOn = !cfg.disableSudo;
  const sudo = (cmd: string) => `${sudoPrefix(sudoOn)}${cmd}`;
  const local = (p: string) => resolve(ctx.build.cwd, p);
  const temp = cfg.tempConfigDir;
  ctx.ui.say('Provisioning with Salt...');
  if (!cfg.skipBootstrap) {
    ctx.ui.message(`Downloading saltstack bootstrap to ${BOOTSTRAP_SCRIPT}`);
    const fetched = await runShown(ctx, comm, `curl -L ${BOOTSTRAP_URL} -o ${BOOTSTRAP_SCRIPT} || wget -O ${BOOTSTRAP_SCRIPT} ${BOOTSTRAP_URL}`);
    if (!fetched.ok) return err(`Unable to download Salt: ${fetched.error}`);
    if (fetched.value !== 0) return err(`Unable to download Salt: exit status ${fetched.value}`);
    const install = sudo(`sh ${BOOTSTRAP_SCRIPT} ${cfg.bootstrapArgs}`.trimEnd());
    ctx.ui.message(`Installing Salt with command ${install}`);
    const ran = await runShown(ctx, comm, install, sudoOn);
    if (!ran.ok) return err(`Unable to install Salt: ${ran.error}`);
    if (ran.value !== 0) return err(`Unable to install Salt: exit status ${ran.value}`);
  }
  ctx.ui.message(`Creating remote temporary directory: ${temp}`);
  const made = await createStagingDir(ctx, comm, temp, sudoOn);
  if (!made.ok) return err(`Error creating remote temporary directory: ${made.error}`);

  // Uploads land in temp_config_dir (writable by the connecting user), then sudo moves them where Salt looks.
  const moveInto = async (src: string, dst: string, replaceDir: boolean): Promise<Result> => {
    if (replaceDir) {
      const rm = await runQuiet(ctx, comm, sudo(`rm -rf ${shellQuote(dst)}`));
      if (!rm.ok) return err(`Unable to clear ${dst}: ${rm.error}`);
    }
    ctx.ui.message(`Moving ${src} to ${dst}`);
    const mv = await runQuiet(ctx, comm, sudo(`mv ${shellQuote(src)} ${shellQuote(dst)}`));
    return mv.ok ? mv : err(`Unable to move ${src} to ${dst}: ${mv.error}`);
  };
  for (const [file, name] of [
    [cfg.minionConfig, 'minion'],
    [cfg.grainsFile, 'grains'],
  ] as const) {
    if (file === '') continue;
    ctx.ui.message(`Uploading ${name === 'minion' ? 'minion config' : 'grains file'}: ${file}`);
    const up = await uploadFile(ctx, comm, local(file), `${temp}/${name}`, `${name} file`);
    if (!up.ok) return up;
    const dir = await runQuiet(ctx, comm, sudo(`mkdir -p ${CONFIG_DIR}`));
    if (!dir.ok) return err(`Error creating ${CONFIG_DIR}: ${dir.error}`);
    const mv = await moveInto(`${temp}/${name}`, `${CONFIG_DIR}/${name}`, false);
    if (!mv.ok) return mv;
  }
  ctx.ui.message(`Uploading local state tree: ${cfg.localStateTree}`);
  const states = await uploadDirContents(ctx, comm, local(cfg.localStateTree), `${temp}/states`, sudoOn);
  if (!states.ok) return err(`Error uploading local state tree to remote: ${states.error}`);
  const mvStates = await moveInto(`${temp}/states`, cfg.remoteStateTree, true);
  if (!mvStates.ok) return mvStates;
  if (cfg.localPillarRoots !== '') {
    ctx.ui.message(`Uploading local pillar roots: ${cfg.localPillarRoots}`);
    const pillar = await uploadDirContents(ctx, comm, local(cfg.localPillarRoots), `${temp}/pillar`, sudoOn);
    if (!pillar.ok) return err(`Error uploading local pillar roots to remote: ${pillar.error}`);
    const mvPillar = await moveInto(`${temp}/pillar`, cfg.remotePillarRoots, true);
    if (!mvPillar.ok) return mvPillar;
  }

  const saltCall = cfg.saltBinDir === '' ? 'salt-call' : `${cfg.saltBinDir}/salt-call`;
  const command = sudo(`${saltCall} --local${cfg.cmdArgs}`);
  ctx.ui.message(`Running: ${command}`);
  const ran = await runShown(ctx, comm, command, sudoOn);
  if (!ran.ok) return ran;
  if (ran.value !== 0) return err(`Error executing salt-call: exit status ${ran.value}`);
  ctx.ui.message(`Removing ${temp}`);
  const rm = await runQuiet(ctx, comm, sudo(`rm -rf ${shellQuote(temp)}`));
  if (!rm.ok) return err(`Unable to remove temporary directory ${temp}: ${rm.error}`);
  return ok();
}
