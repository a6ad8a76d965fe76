/**
 * The ansible provisioner: runs ansible-playbook on this machine against the machine being built, either straight at the
 * build's SSH host (use_proxy = false) or through the local adapter (adapter.ts) that relays over the build's communicator.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { utils } from 'ssh2';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import { checkedKeyPair } from '../../communicators/ssh/keypair';
import { ConfigFields } from '../../engine/config-fields';
import { runLocalCommand } from '../../engine/local-command';
import type { BuildInfo, ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';
import type { ComponentConfig } from '../../template/model';
import { startAdapter, type Adapter } from './adapter';

export interface AnsibleConfig {
  command: string;
  extraArguments: string[];
  envVars: string[];
  playbookFile: string;
  sshExtraArgs: string[];
  groups: string[];
  emptyGroups: string[];
  hostAlias: string;
  user: string;
  localPort: number;
  hostKeyFile: string;
  authorizedKeyFile: string;
  inventoryDirectory: string;
  inventoryFile: string;
  keepInventoryFile: boolean;
  galaxyFile: string;
  galaxyCommand: string;
  galaxyForce: boolean;
  rolesPath: string;
  collectionsPath: string;
  /** undefined: Packer's default (the adapter). */
  useProxy: boolean | undefined;
  useSftp: boolean;
}

export function readAnsibleConfig(config: ComponentConfig, cwd: string): Result<AnsibleConfig, string[]> {
  const f = new ConfigFields(config, 'ansible');
  const playbookFile = f.string('playbook_file');
  if (playbookFile === '') f.error('playbook_file must be specified.');
  const envVars = f.stringList('ansible_env_vars');
  for (const kv of envVars) if (kv.indexOf('=') <= 0) f.error(`ansible_env_vars: "${kv}" is not KEY=value`);
  const useSftp = f.bool('use_sftp');
  if (useSftp) f.error('use_sftp: the adapter relays file copies with scp only; leave use_sftp unset');
  const localPort = f.has('local_port') ? f.number('local_port') : 0;
  if (localPort < 0 || localPort > 65535) f.error(`local_port: ${localPort} must be a valid port`);
  if (f.errors.length > 0) return err(f.errors);
  const abs = (p: string): string => (p === '' ? '' : resolve(cwd, p));
  return {
    ok: true,
    value: {
      command: f.string('command', 'ansible-playbook'),
      extraArguments: f.stringList('extra_arguments'),
      envVars,
      playbookFile: abs(playbookFile),
      sshExtraArgs: f.stringList('ansible_ssh_extra_args'),
      groups: f.stringList('groups'),
      emptyGroups: f.stringList('empty_groups'),
      hostAlias: f.string('host_alias', 'default'),
      user: f.string('user'),
      localPort,
      hostKeyFile: abs(f.string('ssh_host_key_file')),
      authorizedKeyFile: abs(f.string('ssh_authorized_key_file')),
      inventoryDirectory: abs(f.string('inventory_directory')),
      inventoryFile: abs(f.string('inventory_file')),
      keepInventoryFile: f.bool('keep_inventory_file'),
      galaxyFile: abs(f.string('galaxy_file')),
      galaxyCommand: f.string('galaxy_command', 'ansible-galaxy'),
      galaxyForce: f.bool('galaxy_force_install'),
      rolesPath: abs(f.string('roles_path')),
      collectionsPath: abs(f.string('collections_path')),
      useProxy: f.has('use_proxy') ? f.bool('use_proxy') : undefined,
      useSftp,
    },
  };
}

export const ansibleProvisioner: ProvisionerPlugin = {
  type: 'ansible',
  prepare(config, build) {
    const read = readAnsibleConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    return ok({ provision: (ctx) => runAnsible(cfg, ctx) });
  },
};

/** Where ansible-playbook connects, and with which key. */
interface Target {
  host: string;
  port: number;
  user: string;
  keyFile: string;
}

export async function runAnsible(cfg: AnsibleConfig, ctx: ProvisionContext): Promise<Result> {
  const { ui, generated } = ctx;
  ui.say('Provisioning with Ansible...');
  let useProxy = cfg.useProxy !== false;
  if (!useProxy && (generated.ConnType !== 'ssh' || !generated.Host)) {
    ui.error('Warning: use_proxy is false, but the build has no SSH host to give to Ansible. Falling back to the local adapter.');
    useProxy = true;
  }
  if (useProxy && !ctx.communicator) return err('The ansible provisioner needs a communicator to relay through; this build has none.');
  // Everything temporary (keys, inventory unless inventory_directory is set) lives here and goes at the end, whatever happens.
  const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-ansible-'));
  let adapter: Adapter | undefined;
  let inventory = '';
  try {
    let target: Target;
    if (useProxy) {
      const keys = adapterKeys(cfg, scratch);
      if (!keys.ok) return keys;
      const started = await startAdapter({
        communicator: ctx.communicator!,
        hostKey: keys.value.hostKey,
        authorizedKey: keys.value.authorizedKey,
        port: cfg.localPort,
        signal: ctx.signal,
        log: (l) => ui.message(l),
      });
      if (!started.ok) return started;
      adapter = started.value;
      ui.say(`Ansible adapter listening on 127.0.0.1:${adapter.port}`);
      target = { host: '127.0.0.1', port: adapter.port, user: cfg.user || userInfo().username, keyFile: keys.value.clientKeyFile };
    } else {
      let keyFile = generated.SSHPrivateKeyFile ?? '';
      if (!keyFile && generated.SSHPrivateKey) {
        keyFile = join(scratch, 'ansible-key');
        writeFileSync(keyFile, generated.SSHPrivateKey, { mode: 0o600 });
      }
      target = { host: generated.Host, port: Number(generated.Port || 22), user: cfg.user || generated.User || userInfo().username, keyFile };
    }

    inventory = cfg.inventoryFile;
    if (inventory === '') {
      const dir = cfg.inventoryDirectory || scratch;
      inventory = join(dir, `packer-provisioner-ansible${randomBytes(5).toString('hex')}`);
      // Registered before it exists: the finally below removes it unless keep_inventory_file asks otherwise.
      writeFileSync(inventory, inventoryText(cfg, target), { mode: 0o600 });
      if (cfg.keepInventoryFile) ui.message(`Keeping the inventory file ${inventory}`);
    }

    const env = ansibleEnv(cfg, ctx.build, useProxy);
    if (cfg.galaxyFile !== '') {
      const g = await galaxyInstall(cfg, ctx, env);
      if (!g.ok) return g;
    }
    const args = commandArgs(cfg, ctx.build, generated, target, inventory, useProxy);
    ui.message(`Executing Ansible: ${maskArgs([cfg.command, ...args]).join(' ')}`);
    return await runTool([cfg.command, ...args], env, ctx, 'Error executing Ansible');
  } finally {
    await adapter?.close();
    if (inventory !== '' && inventory !== cfg.inventoryFile && !cfg.keepInventoryFile) rmSync(inventory, { force: true });
    rmSync(scratch, { recursive: true, force: true, maxRetries: 0 });
    if (cfg.keepInventoryFile && cfg.inventoryDirectory === '') ui.message('keep_inventory_file without inventory_directory: the inventory was in a temporary folder and is gone.');
  }
}

function adapterKeys(cfg: AnsibleConfig, scratch: string): Result<{ hostKey: string; authorizedKey: string; clientKeyFile: string }> {
  try {
    const hostKey = cfg.hostKeyFile ? readFileSync(cfg.hostKeyFile, 'utf8') : checkedKeyPair(() => utils.generateKeyPairSync('ed25519')).private;
    if (cfg.authorizedKeyFile) {
      // The user brings the key Ansible authenticates with; Ansible finds its private half itself (agent or extra arguments).
      return ok({ hostKey, authorizedKey: readFileSync(cfg.authorizedKeyFile, 'utf8').trim(), clientKeyFile: '' });
    }
    const client = checkedKeyPair(() => utils.generateKeyPairSync('ed25519'));
    const clientKeyFile = join(scratch, 'ansible-key');
    writeFileSync(clientKeyFile, client.private, { mode: 0o600 });
    return ok({ hostKey, authorizedKey: client.public, clientKeyFile });
  } catch (e) {
    return err(`Could not prepare the Ansible adapter's keys: ${(e as Error).message}`);
  }
}

export function inventoryText(cfg: Pick<AnsibleConfig, 'hostAlias' | 'groups' | 'emptyGroups'>, t: Omit<Target, 'keyFile'>): string {
  const line = `${cfg.hostAlias} ansible_host=${t.host} ansible_user=${t.user} ansible_port=${t.port}\n`;
  let text = line;
  for (const g of cfg.groups) text += `[${g}]\n${line}`;
  for (const g of cfg.emptyGroups) if (!cfg.groups.includes(g)) text += `[${g}]\n`;
  return text;
}

function envHas(vars: string[], key: string): boolean {
  return vars.some((kv) => kv.startsWith(`${key}=`));
}

function envIs(vars: string[], key: string, value: RegExp): boolean {
  return vars.some((kv) => kv.startsWith(`${key}=`) && value.test(kv.slice(key.length + 1)));
}

function ansibleEnv(cfg: AnsibleConfig, build: BuildInfo, useProxy: boolean): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...build.env };
  // The adapter's host key is new every run; Packer turns host key checking off unless the user set it.
  if (!envHas(cfg.envVars, 'ANSIBLE_HOST_KEY_CHECKING')) env.ANSIBLE_HOST_KEY_CHECKING = 'False';
  if (useProxy) {
    // The adapter speaks scp, and OpenSSH 9's scp needs -O for the original protocol instead of SFTP.
    if (!envHas(cfg.envVars, 'ANSIBLE_SCP_IF_SSH') && !envHas(cfg.envVars, 'ANSIBLE_SSH_TRANSFER_METHOD')) env.ANSIBLE_SSH_TRANSFER_METHOD = 'scp';
    if (!envHas(cfg.envVars, 'ANSIBLE_SCP_EXTRA_ARGS')) env.ANSIBLE_SCP_EXTRA_ARGS = '-O';
  }
  if (cfg.rolesPath) env.ANSIBLE_ROLES_PATH = cfg.rolesPath;
  if (cfg.collectionsPath) env.ANSIBLE_COLLECTIONS_PATHS = cfg.collectionsPath;
  for (const kv of cfg.envVars) {
    const eq = kv.indexOf('=');
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return env;
}

function commandArgs(cfg: AnsibleConfig, build: BuildInfo, generated: Record<string, string>, t: Target, inventory: string, useProxy: boolean): string[] {
  const args: string[] = [];
  if (build.name) args.push('-e', `packer_build_name=${JSON.stringify(build.name)}`);
  args.push('-e', `packer_builder_type=${build.builderType}`);
  if (generated.PackerHTTPAddr) args.push('-e', `packer_http_addr=${generated.PackerHTTPAddr}`);
  if ((useProxy || generated.ConnType === 'ssh') && t.keyFile) {
    // The adapter's host key is new every run, and a direct target is a throwaway machine whose key is not checked
    // (host key checking off): neither belongs in the user's known_hosts. A user who turns checking on, or brings
    // their own ssh arguments, keeps their known_hosts in use.
    const forget = useProxy || (!envIs(cfg.envVars, 'ANSIBLE_HOST_KEY_CHECKING', /^(true|yes|1|on)$/i) && !envHas(cfg.envVars, 'ANSIBLE_SSH_ARGS'));
    const defaults = forget ? '-o IdentitiesOnly=yes -o UserKnownHostsFile=/dev/null' : '-o IdentitiesOnly=yes';
    args.push('--ssh-extra-args', cfg.sshExtraArgs.length > 0 ? cfg.sshExtraArgs.join(' ') : defaults);
  }
  args.push(...cfg.extraArguments);
  const hasPassword = args.some((a) => a.includes('ansible_password'));
  if (!hasPassword && t.keyFile) args.push('-e', `ansible_ssh_private_key_file=${t.keyFile}`);
  args.push('-i', inventory, cfg.playbookFile);
  return args;
}

/** Values of password-like variables and options never reach the log. */
export function maskArgs(argv: string[]): string[] {
  return argv.map((a, i) => {
    if (/^--?(vault-password|become-password|connection-password)/.test(argv[i - 1] ?? '')) return '<sensitive>';
    return a.replace(/((?:password|passwd|secret|token)[A-Za-z_]*=)\S+/gi, '$1<sensitive>');
  });
}

async function galaxyInstall(cfg: AnsibleConfig, ctx: ProvisionContext, env: Record<string, string | undefined>): Promise<Result> {
  const force = cfg.galaxyForce ? ['--force'] : [];
  const roles = ['install', '-r', cfg.galaxyFile, ...force, ...(cfg.rolesPath ? ['-p', cfg.rolesPath] : [])];
  ctx.ui.message(`Executing Ansible Galaxy: ${cfg.galaxyCommand} ${roles.join(' ')}`);
  return runTool([cfg.galaxyCommand, ...roles], env, ctx, 'Error executing Ansible Galaxy');
}

async function runTool(argv: string[], env: Record<string, string | undefined>, ctx: ProvisionContext, what: string): Promise<Result> {
  const r = await runLocalCommand({ argv, env, cwd: ctx.build.cwd, signal: ctx.signal, onLine: (s, l) => ctx.ui.output(s, l) });
  if (r.kind === 'failed') return err(`${what}: ${r.error}`);
  if (r.kind === 'killed') return err(r.cancelled ? CANCELLED : `${what}: terminated by signal ${r.signal}`);
  if (r.exitCode !== 0) return err(`${what}: Non-zero exit status: exit status ${r.exitCode}`);
  return ok();
}
