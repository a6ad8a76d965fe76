/**
 * The puppet-masterless provisioner: uploads manifests, modules and the Hiera configuration to a staging folder on the
 * machine and runs `puppet apply` there through execute_command, as Packer's does (Unix guests).
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';
import type { ComponentConfig } from '../../template/model';
import { renderGoTemplate } from '../shared/go-template';
import { createStagingDir, runQuiet, runShown, sudoPrefix, uploadDirContents, uploadFile } from '../shared/remote';
import { shellQuote } from '../../communicators/shell-quote';

/** Packer's default for Unix guests: facts as FACTER_ variables, `--detailed-exitcodes` so 2 means "changes applied". */
export const PUPPET_EXECUTE_COMMAND =
  'cd {{.WorkingDir}} && {{if ne .FacterVars ""}}{{.FacterVars}} {{end}}{{if .Sudo}}sudo -E {{end}}' +
  '{{if ne .PuppetBinDir ""}}{{.PuppetBinDir}}/{{end}}puppet apply --detailed-exitcodes {{if .Debug}}--debug {{end}}' +
  `{{if ne .ModulePath ""}}--modulepath='{{.ModulePath}}' {{end}}{{if ne .HieraConfigPath ""}}--hiera_config='{{.HieraConfigPath}}' {{end}}` +
  `{{if ne .ManifestDir ""}}--manifestdir='{{.ManifestDir}}' {{end}}{{if ne .ExtraArguments ""}}{{.ExtraArguments}} {{end}}{{.ManifestFile}}`;

export interface PuppetConfig {
  executeCommand: string;
  extraArguments: string[];
  facter: Record<string, string>;
  hieraConfigPath: string;
  ignoreExitCodes: boolean;
  modulePaths: string[];
  manifestFile: string;
  manifestDir: string;
  preventSudo: boolean;
  puppetBinDir: string;
  stagingDir: string;
  workingDir: string;
  cleanStagingDir: boolean;
}

export function readPuppetConfig(config: ComponentConfig, cwd: string): Result<PuppetConfig, string[]> {
  const f = new ConfigFields(config, 'puppet-masterless');
  const facter: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.object('facter') ?? {})) facter[k] = typeof v === 'string' ? v : JSON.stringify(v);
  const manifestFile = f.string('manifest_file');
  if (manifestFile === '') f.error('A manifest_file must be specified.');
  const exists = (p: string, kind: 'file' | 'dir' | 'any', words: string): void => {
    if (p === '') return;
    try {
      const st = statSync(resolve(cwd, p));
      if (kind === 'file' && !st.isFile()) f.error(`${words} must point to a file`);
      if (kind === 'dir' && !st.isDirectory()) f.error(`${words} must point to a directory`);
    } catch {
      f.error(`${words} is invalid: stat ${p}: no such file or directory`);
    }
  };
  const hieraConfigPath = f.string('hiera_config_path');
  exists(hieraConfigPath, 'file', 'hiera_config_path');
  const manifestDir = f.string('manifest_dir');
  exists(manifestDir, 'dir', 'manifest_dir');
  exists(manifestFile, 'any', 'manifest_file');
  const modulePaths = f.stringList('module_paths');
  modulePaths.forEach((p, i) => exists(p, 'dir', `module_path[${i}]`));
  const stagingDir = f.string('staging_directory', '/tmp/packer-puppet-masterless');
  if (f.errors.length > 0) return err(f.errors);
  return {
    ok: true,
    value: {
      executeCommand: f.string('execute_command', PUPPET_EXECUTE_COMMAND),
      extraArguments: f.stringList('extra_arguments'),
      facter,
      hieraConfigPath,
      ignoreExitCodes: f.bool('ignore_exit_codes'),
      modulePaths,
      manifestFile,
      manifestDir,
      preventSudo: f.bool('prevent_sudo'),
      puppetBinDir: f.string('puppet_bin_dir'),
      stagingDir,
      workingDir: f.string('working_directory', stagingDir),
      cleanStagingDir: f.bool('clean_staging_directory'),
    },
  };
}

export const puppetMasterlessProvisioner: ProvisionerPlugin = {
  type: 'puppet-masterless',
  prepare(config, build) {
    const read = readPuppetConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    return ok({ provision: (ctx) => runPuppet(cfg, ctx) });
  },
};

async function runPuppet(cfg: PuppetConfig, ctx: ProvisionContext): Promise<Result> {
  const comm = ctx.communicator;
  if (!comm) return err('The puppet-masterless provisioner needs a communicator to reach the machine; this build has none.');
  const sudo = !cfg.preventSudo;
  const local = (p: string) => resolve(ctx.build.cwd, p);
  ctx.ui.say('Provisioning with Puppet...');
  ctx.ui.message('Creating Puppet staging directory...');
  const made = await createStagingDir(ctx, comm, cfg.stagingDir, sudo);
  if (!made.ok) return err(`Error creating staging directory: ${made.error}`);

  let remoteHiera = '';
  if (cfg.hieraConfigPath !== '') {
    ctx.ui.message('Uploading hiera configuration...');
    remoteHiera = `${cfg.stagingDir}/hiera.yaml`;
    const up = await uploadFile(ctx, comm, local(cfg.hieraConfigPath), remoteHiera, 'hiera configuration');
    if (!up.ok) return up;
  }
  let remoteManifestDir = '';
  if (cfg.manifestDir !== '') {
    ctx.ui.message(`Uploading manifest directory from: ${cfg.manifestDir}`);
    remoteManifestDir = `${cfg.stagingDir}/manifests`;
    const up = await uploadDirContents(ctx, comm, local(cfg.manifestDir), remoteManifestDir, sudo);
    if (!up.ok) return err(`Error uploading manifest dir: ${up.error}`);
  }
  const remoteModules: string[] = [];
  for (const [i, path] of cfg.modulePaths.entries()) {
    ctx.ui.message(`Uploading local modules from: ${path}`);
    const target = `${cfg.stagingDir}/module-${i}`;
    const up = await uploadDirContents(ctx, comm, local(path), target, sudo);
    if (!up.ok) return err(`Error uploading modules: ${up.error}`);
    remoteModules.push(target);
  }
  ctx.ui.message('Uploading manifests...');
  const manifests = `${cfg.stagingDir}/manifests`;
  let remoteManifest: string;
  if (statSync(local(cfg.manifestFile)).isDirectory()) {
    // A folder of manifests: puppet apply takes the folder itself.
    const up = await uploadDirContents(ctx, comm, local(cfg.manifestFile), manifests, sudo);
    if (!up.ok) return err(`Error uploading manifests: ${up.error}`);
    remoteManifest = manifests;
  } else {
    const made2 = await createStagingDir(ctx, comm, manifests, sudo);
    if (!made2.ok) return err(`Error creating manifests directory: ${made2.error}`);
    remoteManifest = `${manifests}/${basename(cfg.manifestFile)}`;
    const up = await uploadFile(ctx, comm, local(cfg.manifestFile), remoteManifest, 'manifest');
    if (!up.ok) return up;
  }

  const facts: Record<string, string> = { packer_build_name: ctx.build.name, packer_builder_type: ctx.build.builderType, ...cfg.facter };
  const facterVars = Object.entries(facts)
    .map(([k, v]) => `FACTER_${k}='${v.replace(/'/g, `'"'"'`)}'`)
    .join(' ');
  const command = renderGoTemplate(cfg.executeCommand, {
    FacterVars: facterVars,
    HieraConfigPath: remoteHiera,
    ManifestDir: remoteManifestDir,
    ManifestFile: remoteManifest,
    ModulePath: remoteModules.join(':'),
    ModulePathJoiner: ':',
    PuppetBinDir: cfg.puppetBinDir,
    Sudo: sudo,
    WorkingDir: cfg.workingDir,
    ExtraArguments: cfg.extraArguments.join(' '),
    Debug: false,
  });
  ctx.ui.message(`Running Puppet: ${command}`);
  const ran = await runShown(ctx, comm, command, sudo);
  if (!ran.ok) return ran;
  // --detailed-exitcodes: 0 is "nothing changed", 2 "changes applied"; 4 and 6 mean failures.
  if (!cfg.ignoreExitCodes && ran.value !== 0 && ran.value !== 2) return err(`Puppet exited with a non-zero exit status: ${ran.value}`);
  if (cfg.cleanStagingDir) {
    const rm = await runQuiet(ctx, comm, `${sudoPrefix(sudo)}rm -fr ${shellQuote(cfg.stagingDir)}`);
    if (!rm.ok) return err(`Error removing staging directory: ${rm.error}`);
  }
  return ok();
}
