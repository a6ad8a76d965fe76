/**
 * Real OpenSSH servers for tests: each `startSshd` runs /usr/sbin/sshd in the foreground on a free 127.0.0.1 port with
 * its own temporary config, host key and authorized_keys, and `stop()` kills it and every session it forked.
 * Needs Debian's openssh-server and root (tests create the throwaway user `bakehouse-test`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_USER = 'bakehouse-test';
/** Only ever set on the throwaway local user above. */
export const TEST_PASSWORD = 'bh-Test-Pw-8d31c';

export interface SshdOptions {
  /** Serve SFTP (default true); without it only exec/scp work. */
  sftp?: boolean;
  password?: boolean;
  /** Keyboard-interactive through PAM (sshd only offers it with UsePAM yes on Linux). */
  keyboardInteractive?: boolean;
  /** Extra sshd_config lines. */
  extra?: string[];
}

export interface Sshd {
  port: number;
  dir: string;
  /** Appends a public key line to the authorized_keys every user shares. */
  authorize(publicKey: string): void;
  authorizedKeys(): string;
  /** What sshd wrote to stderr (raise LogLevel through `extra` to see more). */
  log(): string;
  /** Kills every session child, so clients see the connection drop while the server keeps listening. */
  dropConnections(): void;
  /** Stops (SIGSTOP) every session child: the connections stay open but the server answers nothing until `thaw`. */
  freeze(): void;
  thaw(): void;
  /** Stops the server and its sessions, then removes its temporary folder. */
  stop(): Promise<void>;
}

/** The test user exists with the known password and a home folder. */
export function ensureTestUser(): void {
  for (let attempt = 0; ; attempt++) {
    try {
      try {
        execFileSync('id', [TEST_USER], { stdio: 'ignore' });
      } catch {
        execFileSync('useradd', ['-m', '-s', '/bin/sh', TEST_USER], { stdio: 'ignore' });
      }
      execFileSync('chpasswd', [], { input: `${TEST_USER}:${TEST_PASSWORD}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
      return;
    } catch (e) {
      // Another test file may hold /etc/passwd's lock for a moment.
      if (attempt >= 10) throw e;
      execFileSync('sleep', ['0.2']);
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Every process below `pid`, deepest first, read from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      walk(c);
      out.push(c);
    }
  };
  walk(pid);
  return out;
}

function killAll(pids: number[]): void {
  signalAll(pids, 'SIGKILL');
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {
      // Already gone.
    }
  }
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  ensureTestUser();
  // sshd refuses to start without its privilege separation folder.
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-sshd-'));
  chmodSync(dir, 0o755);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')], { stdio: 'ignore' });
  const keys = join(dir, 'authorized_keys');
  writeFileSync(keys, '', { mode: 0o644 });
  const port = await freePort();
  const lines = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${keys}`,
    'StrictModes no',
    `UsePAM ${opts.keyboardInteractive ? 'yes' : 'no'}`,
    'PermitRootLogin yes',
    `PasswordAuthentication ${opts.password === false ? 'no' : 'yes'}`,
    `KbdInteractiveAuthentication ${opts.keyboardInteractive ? 'yes' : 'no'}`,
    'PubkeyAuthentication yes',
    'AllowTcpForwarding yes',
    'MaxStartups 100',
    ...(opts.extra?.some((l) => l.startsWith('LogLevel')) ? [] : ['LogLevel ERROR']),
    ...(opts.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
    ...(opts.extra ?? []),
  ];
  const config = join(dir, 'sshd_config');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitListening(port, child, () => stderr);
  const pid = child.pid ?? 0;
  return {
    port,
    dir,
    authorize(publicKey) {
      writeFileSync(keys, `${readFileSync(keys, 'utf8')}${publicKey.trim()}\n`);
    },
    authorizedKeys: () => readFileSync(keys, 'utf8'),
    log: () => stderr,
    dropConnections() {
      killAll(descendants(pid));
    },
    freeze() {
      signalAll(descendants(pid), 'SIGSTOP');
    },
    thaw() {
      signalAll(descendants(pid), 'SIGCONT');
    },
    async stop() {
      const sessions = descendants(pid);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      killAll(sessions);
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the port accepts connections; fails with sshd's own words if it exits first. */
async function waitListening(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const { connect } = await import('node:net');
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() - started > 10_000) throw new Error(`sshd did not listen on ${port}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A private key file (OpenSSH format, no passphrase) and its public line. */
export function makeKey(dir: string, name = 'id_ed25519', type = 'ed25519'): { file: string; publicKey: string } {
  const file = join(dir, name);
  if (!existsSync(file)) execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'bakehouse-test-key', '-f', file], { stdio: 'ignore' });
  return { file, publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
}

export interface Agent {
  socket: string;
  stop(): Promise<void>;
}

/** A private ssh-agent holding `keyFile`. */
export async function startAgent(dir: string, keyFile: string): Promise<Agent> {
  const socket = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 25));
  execFileSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  return {
    socket,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(socket, { force: true });
    },
  };
}
