/**
 * The step that waits for SSH: tries to connect until it works, ssh_timeout runs out, the server refuses our login
 * ssh_handshake_attempts times, or the build is cancelled — saying what it waits for and why the last try failed.
 * Its cleanup clears the temporary key (ssh_clear_authorized_keys) and closes the connection.
 */
import { CANCELLED } from '../../common/result';
import type { BuildState } from '../../engine/plugin';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { SshCommunicator } from './communicator';
import type { SshConfig } from './config';
import { connectSsh, type ConnectResult } from './connect';
import { execQuiet } from './exec';
import { clearAuthorizedKeysCommand } from './keypair';
import { sleep } from '../../engine/retry';

export interface WaitForSshOptions {
  /** The local agent's socket for ssh_agent_auth (usually the build's SSH_AUTH_SOCK). */
  agentSocket?: string;
  /** Pause between tries; Packer waits 5 seconds. */
  intervalMs?: number;
  /** How long the communicator keeps trying to reconnect after a dropped connection; Packer's start_retry_timeout default is 5 minutes. */
  reconnectTimeoutMs?: number;
  /** Comment of the temporary public key to remove from authorized_keys at the end, when ssh_clear_authorized_keys is set. */
  temporaryKeyComment?: string;
  /** authorized_keys files to clear (defaults to the user's and root's). */
  authorizedKeysFiles?: string[];
}

export function waitForSshStep(cfg: SshConfig, opts: WaitForSshOptions = {}): Step<BuildState> {
  let communicator: SshCommunicator | undefined;
  return {
    name: 'StepConnectSSH',
    async run(state, ctx) {
      const { ui, signal } = ctx;
      ui.say(`Using ssh communicator to connect: ${cfg.host}`);
      if (cfg.pauseMs > 0) {
        ui.say(`Pausing ${Math.round(cfg.pauseMs / 1000)}s before connecting...`);
        if (!(await sleep(cfg.pauseMs, signal))) return halt(CANCELLED);
      }
      ui.say('Waiting for SSH to become available...');
      const connect = (s: AbortSignal, attemptTimeoutMs = 20_000): Promise<ConnectResult> =>
        connectSsh(cfg, { signal: s, agentSocket: opts.agentSocket, attemptTimeoutMs });
      const deadline = Date.now() + cfg.timeoutMs;
      const via = cfg.bastion ? ` through the bastion host ${cfg.bastion.host}:${cfg.bastion.port}` : '';
      let last = '';
      let refusedLogins = 0;
      for (let attempt = 1; ; attempt++) {
        const left = deadline - Date.now();
        const r = await connect(signal, Math.max(1000, Math.min(20_000, left)));
        if (r.ok) {
          communicator = new SshCommunicator(r.value, {
            connect: (s) => connect(s),
            pty: cfg.pty,
            fileTransfer: cfg.fileTransfer,
            reconnectTimeoutMs: opts.reconnectTimeoutMs ?? 5 * 60_000,
            reconnectIntervalMs: opts.intervalMs,
          });
          state.communicator = communicator;
          Object.assign(state.generated, connectionData(cfg));
          ui.say('Connected to SSH!');
          return CONTINUE;
        }
        if (r.kind === 'cancelled' || signal.aborted) return halt(CANCELLED);
        if (r.kind === 'config') return halt(`Error waiting for SSH: ${r.error}`);
        if (r.error !== last) ui.message(`Waiting for SSH on ${cfg.username}@${cfg.host}:${cfg.port}${via} (try ${attempt}): ${r.error}`);
        last = r.error;
        if (r.kind === 'auth' && ++refusedLogins >= cfg.handshakeAttempts) {
          return halt(
            `Error waiting for SSH: ${r.error} (${refusedLogins} handshake attempts; check ssh_username, ssh_password or the private key)`,
          );
        }
        const wait = Math.min(opts.intervalMs ?? 5000, deadline - Date.now());
        if (wait <= 0) return halt(`Timeout waiting for SSH. The last try failed: ${last}`);
        if (!(await sleep(wait, signal))) return halt(CANCELLED);
        if (Date.now() >= deadline) return halt(`Timeout waiting for SSH. The last try failed: ${last}`);
      }
    },
    async cleanup(state, ctx) {
      if (!communicator) return;
      if (cfg.clearAuthorizedKeys && opts.temporaryKeyComment) {
        const conn = await communicator.connection(ctx.signal);
        if (conn.ok) {
          ctx.ui.say('Trying to remove ephemeral keys from authorized_keys files');
          const r = await execQuiet(conn.value, clearAuthorizedKeysCommand(opts.temporaryKeyComment, opts.authorizedKeysFiles), ctx.signal);
          if (!r.ok) ctx.ui.error(`Error removing the temporary key from authorized_keys: ${r.error}`);
        }
      }
      await communicator.close();
      communicator = undefined;
      if (state.communicator?.type === 'ssh') state.communicator = undefined;
    },
  };
}

/**
 * Packer's generated data for an SSH connection (ConnType, Host, Port, User, SSHPrivateKeyFile, SSHPrivateKey, SSHAgentAuth,
 * Password): what provisioners that connect on their own (ansible with use_proxy = false) need. Only set keys are added.
 */
export function connectionData(cfg: SshConfig): Record<string, string> {
  const data: Record<string, string> = { ConnType: 'ssh', Host: cfg.host, Port: String(cfg.port), User: cfg.username, SSHAgentAuth: String(cfg.agentAuth) };
  if (cfg.privateKeyFile) data.SSHPrivateKeyFile = cfg.privateKeyFile;
  if (cfg.privateKey) data.SSHPrivateKey = cfg.privateKey;
  if (cfg.password) data.Password = cfg.password;
  return data;
}
