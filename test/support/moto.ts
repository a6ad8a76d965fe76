/**
 * moto's server, a local implementation of the AWS wire protocol, one per test file on a free port, seeded through
 * MOTO_AMIS_PATH with the seed template's source AMI (test/fixtures/amazon/amis.json). It comes from the venv
 * .ci/python-venv.sh makes; a missing moto fails the test (it is installed in CI), never skips it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { venvTool } from './python-venv';
import { freePort } from './sshd';

export const SEED_AMIS = join(__dirname, '..', 'fixtures', 'amazon', 'amis.json');
/** moto accepts any credentials unless started with `auth`; these are what the tests send. */
export const MOTO_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIABAKEHOUSETEST001', AWS_SECRET_ACCESS_KEY: 'bakehouse-test-secret' };

export interface Moto {
  endpoint: string;
  port: number;
  log(): string;
  stop(): Promise<void>;
}

/**
 * `auth`: moto checks signatures against its IAM (INITIAL_NO_AUTH_ACTION_COUNT=0), so unknown credentials are refused;
 * `unauthenticatedCalls`: it does so after that many calls, which can set up its IAM first.
 */
export async function startMoto(opts: { auth?: boolean; unauthenticatedCalls?: number } = {}): Promise<Moto> {
  const bin = venvTool('moto_server');
  if (!bin) throw new Error('moto_server is not installed: run .ci/python-venv.sh (the amazon-ebs tests need it)');
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_AMIS_PATH: SEED_AMIS, ...noAuthCount(opts) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20000)));
  child.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${log}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() - started > 30_000) throw new Error(`moto_server did not listen within 30 s: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function noAuthCount(opts: { auth?: boolean; unauthenticatedCalls?: number }): Record<string, string> {
  if (opts.unauthenticatedCalls !== undefined) return { INITIAL_NO_AUTH_ACTION_COUNT: String(opts.unauthenticatedCalls) };
  return opts.auth ? { INITIAL_NO_AUTH_ACTION_COUNT: '0' } : {};
}
