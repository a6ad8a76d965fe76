/**
 * A private Debian docker-registry for tests, on a free 127.0.0.1 port with htpasswd (bcrypt) authentication: Docker
 * reaches a loopback registry over plain HTTP, so no certificate is needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort } from './sshd';

export interface Registry {
  /** host:port, as an image name or login_server writes it. */
  address: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startRegistry(user: string, password: string): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-registry-'));
  const port = await freePort();
  writeFileSync(join(dir, 'htpasswd'), `${user}:${bcrypt.hashSync(password, 5)}\n`);
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      'auth:',
      '  htpasswd:',
      '    realm: bakehouse-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20000)));
  child.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = `127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log}`);
    const status = await fetch(`http://${address}/v2/`).then((r) => r.status, () => 0);
    if (status === 401) break;
    if (Date.now() - started > 30_000) throw new Error(`docker-registry did not answer within 30 s: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
