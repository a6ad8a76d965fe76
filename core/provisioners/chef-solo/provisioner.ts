/**
 * The chef-solo provisioner: installs Chef (unless skip_install), uploads cookbooks, roles, data bags and environments
 * to a staging folder, writes solo.rb and node.json there and runs chef-solo through execute_command, as Packer's does
 * (Unix guests).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';
import type { ComponentConfig } from '../../template/model';
import type { Plain } from '../../template/values/value';
import { renderGoTemplate } from '../shared/go-template';
import { createStagingDir, runShown, uploadDirContents, uploadFile } from '../shared/remote';

export const CHEF_EXECUTE_COMMAND = '{{if .Sudo}}sudo {{end}}chef-solo --no-color -c {{.ConfigPath}} -j {{.JsonPath}}';
export const CHEF_INSTALL_COMMAND = 'curl -L https://omnitruck.chef.io/install.sh | {{if .Sudo}}sudo {{end}}bash -s --{{if .Version}} -v {{.Version}}{{end}}';
/** The solo.rb Packer writes when no config_template is given. */
export const CHEF_SOLO_RB = `cookbook_path 	[{{.CookbookPaths}}]
{{if .HasRolesPath}}
role_path		"{{.RolesPath}}"
{{end}}
{{if .HasDataBagsPath}}
data_bag_path	"{{.DataBagsPath}}"
{{end}}
{{if .HasEncryptedDataBagSecretPath}}
encrypted_data_bag_secret "{{.EncryptedDataBagSecretPath}}"
{{end}}
{{if .HasEnvironmentsPath}}
environment_path "{{.EnvironmentsPath}}"
environment "{{.ChefEnvironment}}"
{{end}}
chef_license "{{.ChefLicense}}"
`;

export interface ChefConfig {
  chefEnvironment: string;
  chefLicense: string;
  configTemplate: string;
  cookbookPaths: string[];
  rolesPath: string;
  dataBagsPath: string;
  encryptedDataBagSecretPath: string;
  environmentsPath: string;
  executeCommand: string;
  installCommand: string;
  remoteCookbookPaths: string[];
  json: Record<string, Plain>;
  preventSudo: boolean;
  runList: string[];
  skipInstall: boolean;
  stagingDir: string;
  version: string;
}

export function readChefConfig(config: ComponentConfig, cwd: string): Result<ChefConfig, string[]> {
  const f = new ConfigFields(config, 'chef-solo');
  const kindOf = (p: string): 'file' | 'dir' | string => {
    try {
      return statSync(resolve(cwd, p)).isDirectory() ? 'dir' : 'file';
    } catch {
      return `stat ${p}: no such file or directory`;
    }
  };
  const dir = (label: string, p: string): void => {
    if (p === '') return;
    const k = kindOf(p);
    if (k === 'file') f.error(`Bad ${label} '${p}': not a directory`);
    else if (k !== 'dir') f.error(`Bad ${label} '${p}': ${k}`);
  };
  const configTemplate = f.string('config_template');
  if (configTemplate !== '') {
    const k = kindOf(configTemplate);
    if (k === 'dir') f.error('Config template path must be a file');
    else if (k !== 'file') f.error(`Bad config template path: ${k}`);
  }
  const cookbookPaths = f.stringList('cookbook_paths');
  for (const p of cookbookPaths) dir('cookbook path', p);
  const rolesPath = f.string('roles_path');
  dir('roles path', rolesPath);
  const dataBagsPath = f.string('data_bags_path');
  dir('data bags path', dataBagsPath);
  const environmentsPath = f.string('environments_path');
  dir('environments path', environmentsPath);
  const secret = f.string('encrypted_data_bag_secret_path');
  if (secret !== '') {
    const k = kindOf(secret);
    if (k === 'dir') f.error(`Bad encrypted data bag secret '${secret}': is a directory`);
    else if (k !== 'file') f.error(`Bad encrypted data bag secret '${secret}': ${k}`);
  }
  const json = { ...(f.object('json') ?? {}), ...jsonStringAttributes(f) };
  if (f.errors.length > 0) return err(f.errors);
  return {
    ok: true,
    value: {
      chefEnvironment: f.string('chef_environment'),
      chefLicense: f.string('chef_license', 'accept-silent'),
      configTemplate,
      cookbookPaths,
      rolesPath,
      dataBagsPath,
      encryptedDataBagSecretPath: secret,
      environmentsPath,
      executeCommand: f.string('execute_command', CHEF_EXECUTE_COMMAND),
      installCommand: f.string('install_command', CHEF_INSTALL_COMMAND),
      remoteCookbookPaths: f.stringList('remote_cookbook_paths'),
      json,
      preventSudo: f.bool('prevent_sudo'),
      runList: f.stringList('run_list'),
      skipInstall: f.bool('skip_install'),
      stagingDir: f.string('staging_directory', '/tmp/packer-chef-solo'),
      version: f.string('version'),
    },
  };
}

export const chefSoloProvisioner: ProvisionerPlugin = {
  type: 'chef-solo',
  prepare(config, build) {
    const read = readChefConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    return ok({ provision: (ctx) => runChef(cfg, ctx) });
  },
};

async function runChef(cfg: ChefConfig, ctx: ProvisionContext): Promise<Result> {
  const comm = ctx.communicator;
  if (!comm) return err('The chef-solo provisioner needs a communicator to reach the machine; this build has none.');
  const sudo = !cfg.preventSudo;
  const local = (p: string) => resolve(ctx.build.cwd, p);
  const staging = cfg.stagingDir;
  ctx.ui.say('Provisioning with chef-solo');
  if (!cfg.skipInstall) {
    ctx.ui.message('Installing Chef...');
    const command = renderGoTemplate(cfg.installCommand, { Sudo: sudo, Version: cfg.version });
    const ran = await runShown(ctx, comm, command, sudo);
    if (!ran.ok) return err(`Error installing Chef: ${ran.error}`);
    if (ran.value !== 0) return err(`Error installing Chef: install script exited with non-zero exit status ${ran.value}`);
  }
  ctx.ui.message('Creating directory: ' + staging);
  const made = await createStagingDir(ctx, comm, staging, sudo);
  if (!made.ok) return err(`Error creating staging directory: ${made.error}`);

  const cookbooks: string[] = [];
  for (const [i, path] of cfg.cookbookPaths.entries()) {
    const target = `${staging}/cookbooks-${i}`;
    ctx.ui.message(`Uploading ${path} => ${target}`);
    const up = await uploadDirContents(ctx, comm, local(path), target, sudo);
    if (!up.ok) return err(`Error uploading cookbooks: ${up.error}`);
    cookbooks.push(target);
  }
  const folder = async (path: string, name: string, what: string): Promise<Result<string>> => {
    if (path === '') return ok('');
    const target = `${staging}/${name}`;
    ctx.ui.message(`Uploading ${path} => ${target}`);
    const up = await uploadDirContents(ctx, comm, local(path), target, sudo);
    return up.ok ? ok(target) : err(`Error uploading ${what}: ${up.error}`);
  };
  const roles = await folder(cfg.rolesPath, 'roles', 'roles');
  if (!roles.ok) return roles;
  const dataBags = await folder(cfg.dataBagsPath, 'data_bags', 'data bags');
  if (!dataBags.ok) return dataBags;
  let secret = '';
  if (cfg.encryptedDataBagSecretPath !== '') {
    secret = `${staging}/encrypted_data_bag_secret`;
    ctx.ui.message(`Uploading ${cfg.encryptedDataBagSecretPath} => ${secret}`);
    const up = await uploadFile(ctx, comm, local(cfg.encryptedDataBagSecretPath), secret, 'encrypted data bag secret');
    if (!up.ok) return up;
  }
  const environments = await folder(cfg.environmentsPath, 'environments', 'environments');
  if (!environments.ok) return environments;

  // solo.rb and node.json are written here first and uploaded whole, so the machine never sees half a file.
  const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-chef-'));
  try {
    const template = cfg.configTemplate === '' ? CHEF_SOLO_RB : readFileSync(local(cfg.configTemplate), 'utf8');
    const soloRb = renderGoTemplate(template, {
      CookbookPaths: [...cfg.remoteCookbookPaths, ...cookbooks].map((p) => `"${p}"`).join(','),
      RolesPath: roles.value,
      DataBagsPath: dataBags.value,
      EncryptedDataBagSecretPath: secret,
      EnvironmentsPath: environments.value,
      HasRolesPath: roles.value !== '',
      HasDataBagsPath: dataBags.value !== '',
      HasEncryptedDataBagSecretPath: secret !== '',
      HasEnvironmentsPath: environments.value !== '',
      ChefEnvironment: cfg.chefEnvironment,
      ChefLicense: cfg.chefLicense,
    });
    ctx.ui.message('Creating configuration file \'solo.rb\'');
    writeFileSync(join(scratch, 'solo.rb'), soloRb);
    const configPath = `${staging}/solo.rb`;
    const upRb = await uploadFile(ctx, comm, join(scratch, 'solo.rb'), configPath, 'solo.rb');
    if (!upRb.ok) return upRb;

    const attributes: Record<string, Plain> = { ...cfg.json };
    if (cfg.runList.length > 0) attributes.run_list = cfg.runList;
    ctx.ui.message('Creating JSON attribute file');
    writeFileSync(join(scratch, 'node.json'), JSON.stringify(attributes, null, '  '));
    const jsonPath = `${staging}/node.json`;
    const upJson = await uploadFile(ctx, comm, join(scratch, 'node.json'), jsonPath, 'node.json');
    if (!upJson.ok) return upJson;

    const command = renderGoTemplate(cfg.executeCommand, { ConfigPath: configPath, JsonPath: jsonPath, Sudo: sudo });
    ctx.ui.message(`Executing Chef: ${command}`);
    const ran = await runShown(ctx, comm, command, sudo);
    if (!ran.ok) return ran;
    if (ran.value !== 0) return err(`Non-zero exit status: ${ran.value}`);
    return ok();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `json_string` (how an HCL2 template gives node attributes) decoded over `json`, as the plugin unmarshals it into the same map. */
function jsonStringAttributes(f: ConfigFields): Record<string, Plain> {
  const text = f.string('json_string');
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, Plain>;
    f.error(`Failed to unmarshal 'json_string': json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type map[string]interface {}`);
  } catch (e) {
    f.error(`Failed to unmarshal 'json_string': ${(e as Error).message}`);
  }
  return {};
}
