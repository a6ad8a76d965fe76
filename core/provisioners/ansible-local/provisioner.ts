/**
 * The ansible-local provisioner: uploads the playbook and its folders into staging_directory on the machine and runs
 * ansible-playbook there against 127.0.0.1 with the local connection, as Packer's ansible-local does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { cancelled, err, ok, type Result } from '../../common/result';
import { shellQuote } from '../../communicators/shell-quote';
import { ConfigFields } from '../../engine/config-fields';
import type { ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';

export interface AnsibleLocalConfig {
  command: string;
  extraArguments: string[];
  playbookFiles: string[];
  playbookDir: string;
  playbookPaths: string[];
  rolePaths: string[];
  groupVars: string;
  hostVars: string;
  inventoryFile: string;
  inventoryGroups: string[];
  galaxyFile: string;
  galaxyCommand: string;
  stagingDir: string;
  cleanStagingDir: boolean;
}

export const ansibleLocalProvisioner: ProvisionerPlugin = {
  type: 'ansible-local',
  prepare(config, build) {
    const f = new ConfigFields(config, 'ansible-local');
    const abs = (p: string): string => (p === '' ? '' : resolve(build.cwd, p));
    const one = f.string('playbook_file');
    const many = f.stringList('playbook_files');
    if (one === '' && many.length === 0) f.error('Either playbook_file or playbook_files must be specified');
    if (one !== '' && many.length > 0) f.error('Either playbook_file or playbook_files can be specified, not both');
    if (f.errors.length > 0) return err(f.errors);
    const cfg: AnsibleLocalConfig = {
      command: f.string('command', 'ANSIBLE_FORCE_COLOR=1 PYTHONUNBUFFERED=1 ansible-playbook'),
      extraArguments: f.stringList('extra_arguments'),
      playbookFiles: (one !== '' ? [one] : many).map(abs),
      playbookDir: abs(f.string('playbook_dir')),
      playbookPaths: f.stringList('playbook_paths').map(abs),
      rolePaths: f.stringList('role_paths').map(abs),
      groupVars: abs(f.string('group_vars')),
      hostVars: abs(f.string('host_vars')),
      inventoryFile: abs(f.string('inventory_file')),
      inventoryGroups: f.stringList('inventory_groups'),
      galaxyFile: abs(f.string('galaxy_file')),
      galaxyCommand: f.string('galaxy_command', 'ansible-galaxy'),
      stagingDir: f.string('staging_directory', `/tmp/packer-provisioner-ansible-local/${randomUUID()}`),
      cleanStagingDir: f.bool('clean_staging_directory'),
    };
    return ok({ provision: (ctx) => runAnsibleLocal(cfg, ctx) });
  },
};

export async function runAnsibleLocal(cfg: AnsibleLocalConfig, ctx: ProvisionContext): Promise<Result> {
  const comm = ctx.communicator;
  if (!comm) return err('The ansible-local provisioner needs a communicator to reach the machine; this build has none.');
  const { ui, signal } = ctx;
  const staging = cfg.stagingDir;
  const sh = async (command: string, quietly = false): Promise<Result<number>> => {
    const r = await comm.run(command, { signal, onLine: (s, l) => (quietly ? undefined : ui.output(s, l)) });
    return r.ok ? ok(r.value.exitCode) : r;
  };
  const must = async (command: string, what: string): Promise<Result> => {
    const r = await sh(command, true);
    if (!r.ok) return err(`${what}: ${r.error}`);
    return r.value === 0 ? ok() : err(`${what}: "${command}" exited with status ${r.value}`);
  };
  const upload = async (local: string, remote: string, what: string): Promise<Result> => {
    ui.message(`Uploading ${what}: ${local}`);
    const up = await comm.upload(local, remote, signal);
    return up.ok ? up : err(`Error uploading ${what} ${local}: ${up.error}`);
  };
  const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-ansible-local-'));
  try {
    ui.say('Provisioning with Ansible...');
    const made = await must(`mkdir -p ${shellQuote(staging)}`, 'Error creating staging directory');
    if (!made.ok) return made;
    // Folders are sent with a trailing slash: their contents land in the named remote folder.
    const dirs: Array<[string, string, string]> = [];
    if (cfg.playbookDir) dirs.push([cfg.playbookDir, staging, 'playbook directory']);
    if (cfg.groupVars) dirs.push([cfg.groupVars, `${staging}/group_vars`, 'group vars']);
    if (cfg.hostVars) dirs.push([cfg.hostVars, `${staging}/host_vars`, 'host vars']);
    for (const r of cfg.rolePaths) dirs.push([r, `${staging}/roles/${basename(r)}`, 'role']);
    // Packer gathers playbook_paths under playbooks/, one folder each.
    for (const p of cfg.playbookPaths) dirs.push([p, `${staging}/playbooks/${basename(p)}`, 'playbook path']);
    for (const [local, remote, what] of dirs) {
      const mk = await must(`mkdir -p ${shellQuote(remote)}`, `Error creating ${remote}`);
      if (!mk.ok) return mk;
      const up = await upload(`${local}/`, remote, what);
      if (!up.ok) return up;
    }
    const playbooks: string[] = [];
    for (const p of cfg.playbookFiles) {
      const remote = `${staging}/${basename(p)}`;
      const up = await upload(p, remote, 'playbook file');
      if (!up.ok) return up;
      playbooks.push(remote);
    }
    let inventory = `${staging}/${basename(cfg.inventoryFile)}`;
    if (cfg.inventoryFile) {
      const up = await upload(cfg.inventoryFile, inventory, 'inventory file');
      if (!up.ok) return up;
    } else {
      const local = join(scratch, `packer-provisioner-ansible-local${randomBytes(5).toString('hex')}`);
      writeFileSync(local, ['127.0.0.1', ...cfg.inventoryGroups.map((g) => `[${g}]\n127.0.0.1`)].join('\n') + '\n');
      inventory = `${staging}/${basename(local)}`;
      const up = await upload(local, inventory, 'inventory file');
      if (!up.ok) return up;
    }
    if (cfg.galaxyFile) {
      const remote = `${staging}/${basename(cfg.galaxyFile)}`;
      const up = await upload(cfg.galaxyFile, remote, 'galaxy file');
      if (!up.ok) return up;
      ui.message('Executing Ansible Galaxy');
      const g = await sh(`cd ${shellQuote(staging)} && ${cfg.galaxyCommand} install -r ${shellQuote(remote)} -p ${shellQuote(`${staging}/roles`)}`);
      if (!g.ok) return g;
      if (g.value !== 0) return err(`Non-zero exit status: ${g.value}`);
    }
    const vars = `packer_build_name=${ctx.build.name} packer_builder_type=${ctx.build.builderType}${ctx.generated.PackerHTTPAddr ? ` packer_http_addr=${ctx.generated.PackerHTTPAddr}` : ''}`;
    for (const playbook of playbooks) {
      const command = `cd ${shellQuote(staging)} && ${cfg.command} ${shellQuote(playbook)} --extra-vars ${shellQuote(vars)} ${cfg.extraArguments.join(' ')} -c local -i ${shellQuote(inventory)}`;
      ui.message(`Executing Ansible: ${command}`);
      const r = await sh(command);
      if (!r.ok) return signal.aborted ? cancelled() : r;
      if (r.value !== 0) return err(`Non-zero exit status: ${r.value}`);
    }
    return ok();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    if (cfg.cleanStagingDir) {
      const rm = await comm.run(`rm -rf ${shellQuote(staging)}`, { signal: AbortSignal.timeout(30_000), onLine: () => undefined });
      if (!rm.ok || rm.value.exitCode !== 0) ui.error(`Error removing staging directory ${staging}`);
    }
  }
}
