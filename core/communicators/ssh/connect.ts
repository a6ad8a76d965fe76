/**
 * One SSH connection attempt with ssh2: password (also answering keyboard-interactive prompts), a private key, the
 * local agent, optionally through a bastion host. Failures come back as a kind plus a sentence that never holds a secret.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { Client, type ConnectConfig } from 'ssh2';
import { CANCELLED, err, ok, type Err, type Ok } from '../../common/result';
import type { SshConfig, SshLogin } from './config';

export type ConnectFailureKind = 'refused' | 'auth' | 'timeout' | 'network' | 'cancelled' | 'config';

/** A failed connection says what kind of failure it was: the wait step retries some kinds and gives up on others. */
export interface ConnectFailure extends Err<string> {
  kind: ConnectFailureKind;
}

const failure = (kind: ConnectFailureKind, error: string): ConnectFailure => ({ ...err(error), kind });

export interface ConnectOptions {
  signal: AbortSignal;
  /** The local agent's socket (SSH_AUTH_SOCK) for ssh_agent_auth. */
  agentSocket?: string;
  /** Longest a single attempt (TCP connect plus handshake) may take. */
  attemptTimeoutMs?: number;
}

/** A live connection; `closed` flips when the server or the network drops it. */
export class SshConnection {
  closed = false;
  private readonly listeners: Array<() => void> = [];

  constructor(
    readonly client: Client,
    private readonly bastion?: SshConnection,
  ) {
    const onGone = () => {
      const first = !this.closed;
      this.closed = true;
      if (first) void this.bastion?.close();
      for (const l of this.listeners.splice(0)) l();
    };
    client.on('close', onGone);
    client.on('end', onGone);
    // Errors after the handshake surface as 'close'; this keeps them from being thrown.
    client.on('error', () => undefined);
  }

  /** Calls `listener` once the connection is gone; the returned function forgets it. */
  onClose(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => undefined;
    }
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Says goodbye to the server and waits for the connection to close, at most `graceMs`; then drops it regardless (a
   * server that stopped answering never confirms). Resolves once the socket is gone, also for the bastion.
   */
  async close(graceMs = 3000): Promise<void> {
    const wasOpen = !this.closed;
    this.closed = true;
    if (wasOpen) {
      const gone = new Promise<void>((resolve) => {
        this.client.once('close', () => resolve());
        setTimeout(resolve, graceMs).unref();
      });
      try {
        this.client.end();
      } catch {
        // Already ending.
      }
      await gone;
    }
    this.client.destroy();
    for (const l of this.listeners.splice(0)) l();
    await this.bastion?.close(graceMs);
  }
}

export type ConnectResult = Ok<SshConnection> | ConnectFailure;

/** Connects to `cfg.host` (through `cfg.bastion` when set) and logs in. */
export async function connectSsh(cfg: SshConfig, opts: ConnectOptions): Promise<ConnectResult> {
  if (opts.signal.aborted) return failure('cancelled', CANCELLED);
  let bastion: SshConnection | undefined;
  if (cfg.bastion) {
    const b = await login(cfg.bastion, cfg, opts, undefined, 'bastion host');
    if (!b.ok) return b;
    bastion = b.value;
  }
  const r = await login(cfg, cfg, opts, bastion, 'host');
  if (!r.ok) await bastion?.close();
  return r;
}

async function login(who: SshLogin, cfg: SshConfig, opts: ConnectOptions, via: SshConnection | undefined, role: string): Promise<ConnectResult> {
  const where = `${who.host}:${who.port}`;
  const settings: ConnectConfig = {
    host: who.host,
    port: who.port,
    username: who.username,
    readyTimeout: opts.attemptTimeoutMs ?? 20_000,
    keepaliveInterval: cfg.keepAliveMs,
    tryKeyboard: who.interactive && who.password !== undefined,
  };
  if (cfg.ciphers.length > 0 || cfg.keyExchange.length > 0) {
    settings.algorithms = {};
    if (cfg.ciphers.length > 0) settings.algorithms.cipher = cfg.ciphers as never;
    if (cfg.keyExchange.length > 0) settings.algorithms.kex = cfg.keyExchange as never;
  }
  const methods: string[] = [];
  if (who.password !== undefined) {
    settings.password = who.password;
    methods.push('password');
  }
  if (who.privateKey !== undefined || who.privateKeyFile !== undefined) {
    if (who.privateKey !== undefined) settings.privateKey = who.privateKey;
    else {
      const file = (who.privateKeyFile ?? '').replace(/^~(?=\/|$)/, homedir());
      try {
        settings.privateKey = readFileSync(file);
      } catch (e) {
        return failure('config', `could not read the private key file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    }
    methods.push('public key');
  }
  if (who.agentAuth) {
    if (!opts.agentSocket) return failure('config', 'ssh_agent_auth is set but no SSH agent is running (SSH_AUTH_SOCK is empty)');
    settings.agent = opts.agentSocket;
    methods.push('agent');
  }
  const client = new Client();
  return new Promise<ConnectResult>((resolve) => {
    let settled = false;
    const finish = (r: ConnectResult) => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', onAbort);
      if (!r.ok) client.destroy();
      resolve(r);
    };
    const onAbort = () => finish(failure('cancelled', CANCELLED));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    if (opts.signal.aborted) return onAbort();
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, answer) => answer(prompts.map(() => who.password ?? '')));
    client.once('ready', () => finish(ok(new SshConnection(client, via))));
    client.on('error', (e: Error & { level?: string; code?: string }) => finish(describe(e, where, who.username, methods, role)));
    client.once('close', () => finish(failure('network', `the ${role} ${where} closed the connection during the SSH handshake`)));
    if (via) {
      via.client.forwardOut('127.0.0.1', 0, who.host, who.port, (error, stream) => {
        if (error) {
          finish(failure('network', `the bastion host could not reach ${where}: ${error.message}`));
          return;
        }
        client.connect({ ...settings, sock: stream });
      });
    } else {
      try {
        client.connect(settings);
      } catch (e) {
        // ssh2 throws synchronously for a key it cannot parse; its message never holds the key itself.
        finish(failure('config', `invalid SSH settings: ${(e as Error).message}`));
      }
    }
  });
}

/** Turns ssh2 and socket errors into what the user can act on. */
function describe(e: Error & { level?: string; code?: string }, where: string, user: string, methods: string[], role: string): ConnectFailure {
  if (e.level === 'client-authentication') {
    const tried = methods.length > 0 ? methods.join(', ') : 'no method';
    return failure('auth', `authentication failed: the ${role} ${where} did not accept user "${user}" with ${tried}`);
  }
  if (e.level === 'client-timeout') return failure('timeout', `timed out waiting for the SSH handshake with ${where}`);
  if (e.code === 'ECONNREFUSED') return failure('refused', `connection refused by ${where} (is the SSH server running on that port?)`);
  if (e.code === 'ETIMEDOUT') return failure('timeout', `timed out connecting to ${where}`);
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return failure('network', `cannot resolve the ${role} name in ${where}`);
  if (e.code) return failure('network', `cannot connect to ${where}: ${e.code}`);
  if (/private key|parse|passphrase|unsupported key/i.test(e.message)) return failure('config', `the private key could not be used: ${e.message}`);
  return failure('network', `SSH connection to ${where} failed: ${e.message}`);
}
