/** The ssh_* settings a builder hands to the SSH communicator, read from its evaluated config with Packer's defaults. */
import { err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { durationMs } from '../../engine/durations';
import type { ComponentConfig } from '../../template/model';

export interface SshLogin {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKeyFile?: string;
  /** A private key held in memory (the temporary key pair, or a bound ssh credential's key), used like a key file. */
  privateKey?: string;
  agentAuth: boolean;
  /** Answer keyboard-interactive prompts with the password. */
  interactive: boolean;
}

export interface SshConfig extends SshLogin {
  pty: boolean;
  /** ssh_timeout (or the older ssh_wait_timeout): how long to keep trying to connect. */
  timeoutMs: number;
  /** Failed SSH handshakes (the server answered but refused us) tolerated before giving up. */
  handshakeAttempts: number;
  /** 0 turns keep-alives off. */
  keepAliveMs: number;
  /** `auto` (the default here) uses SFTP and falls back to scp when the server has no SFTP subsystem. */
  fileTransfer: 'auto' | 'scp' | 'sftp';
  ciphers: string[];
  keyExchange: string[];
  clearAuthorizedKeys: boolean;
  /** ssh_keypair_name: a key pair the cloud already holds; set, no temporary key pair is made. */
  keyPairName?: string;
  keyPairType: string;
  keyPairBits: number;
  bastion?: SshLogin;
  /** How long to wait before connecting once the machine is up (pause_before_connecting). */
  pauseMs: number;
}

function keyBytes(raw: unknown): string | undefined {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((b) => typeof b === 'number')) return undefined;
  return Buffer.from(raw as number[]).toString('utf8');
}

/** Reads the ssh_* fields of `config`; `where` names the component in messages ("null", "amazon-ebs"). */
export function readSshConfig(config: ComponentConfig, where: string): Result<SshConfig, string[]> {
  const f = new ConfigFields(config, where);
  const duration = (name: string, fallback: string): number => {
    const text = f.string(name, fallback);
    // Packer reads a negative keep-alive as "off".
    if (text.startsWith('-')) return 0;
    const d = durationMs(text);
    if (!d.ok) {
      f.error(`${where}: ${name}: ${d.error}`);
      return 0;
    }
    return d.value;
  };
  const timeoutField = f.has('ssh_timeout') || !f.has('ssh_wait_timeout') ? 'ssh_timeout' : 'ssh_wait_timeout';
  const method = f.string('ssh_file_transfer_method', '');
  if (method !== '' && method !== 'scp' && method !== 'sftp') f.error(`ssh_file_transfer_method ('${method}') is invalid, valid methods: sftp, scp`);
  const password = f.string('ssh_password');
  const keyFile = f.string('ssh_private_key_file');
  const cfg: SshConfig = {
    host: f.string('ssh_host'),
    port: f.number('ssh_port', 22),
    username: f.string('ssh_username'),
    password: password || undefined,
    privateKeyFile: keyFile || undefined,
    // Packer's internal ssh_private_key (bytes), which no template writes: a bound ssh credential puts its key there.
    privateKey: keyBytes(f.raw('ssh_private_key')),
    agentAuth: f.bool('ssh_agent_auth'),
    interactive: true,
    pty: f.bool('ssh_pty'),
    timeoutMs: duration(timeoutField, '5m'),
    handshakeAttempts: f.number('ssh_handshake_attempts', 10) || 10,
    keepAliveMs: duration('ssh_keep_alive_interval', '5s'),
    fileTransfer: method === 'scp' || method === 'sftp' ? method : 'auto',
    ciphers: f.stringList('ssh_ciphers'),
    keyExchange: f.stringList('ssh_key_exchange_algorithms'),
    clearAuthorizedKeys: f.bool('ssh_clear_authorized_keys'),
    keyPairName: f.string('ssh_keypair_name') || undefined,
    keyPairType: f.string('temporary_key_pair_type', 'rsa'),
    keyPairBits: f.number('temporary_key_pair_bits', 0),
    pauseMs: duration('pause_before_connecting', '0s'),
  };
  // As Packer: the named key pair's private half has to come from somewhere.
  if (cfg.keyPairName && !cfg.privateKeyFile && !cfg.agentAuth) {
    f.error(`${where}: ssh_private_key_file must be provided or ssh_agent_auth enabled when ssh_keypair_name is specified`);
  }
  if (f.has('ssh_bastion_host')) {
    cfg.bastion = {
      host: f.string('ssh_bastion_host'),
      port: f.number('ssh_bastion_port', 22),
      username: f.string('ssh_bastion_username'),
      password: f.string('ssh_bastion_password') || undefined,
      // Packer falls back to the machine's key for the bastion when it has none of its own.
      privateKeyFile: f.string('ssh_bastion_private_key_file') || keyFile || undefined,
      agentAuth: f.bool('ssh_bastion_agent_auth'),
      interactive: f.bool('ssh_bastion_interactive') || f.has('ssh_bastion_password'),
    };
  }
  // Said out loud rather than ignored: a build that silently skips a proxy or tunnel would reach the wrong place.
  for (const name of ['ssh_proxy_host', 'ssh_certificate_file', 'ssh_bastion_certificate_file', 'ssh_local_tunnels', 'ssh_remote_tunnels']) {
    if (f.has(name) && !(Array.isArray(f.raw(name)) && (f.raw(name) as unknown[]).length === 0)) {
      f.error(`${where}: ${name} is not supported by Bakehouse's SSH communicator yet`);
    }
  }
  if (f.errors.length > 0) return err(f.errors);
  return ok(cfg);
}
