/**
 * The machine behind a moto instance: moto's instances have none, so an amazon-ebs test gives its build an sshd container
 * (from the local base image plus Debian's openssh-server and sudo, user `ubuntu` as on Ubuntu's AMIs) and points the
 * communicator at it with ssh_host/ssh_port. The container trusts no key of its own: `trustKeyPairsOf` copies in the
 * public keys moto holds for its key pairs, so only the key pair EC2 returned to the builder can log in.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeKeyPairsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { freePort } from './sshd';

export const SSHD_IMAGE = 'local/sshd:bookworm';
const LABEL = 'bakehouse-test=amazon-ebs-instance';

const DOCKERFILE = join(__dirname, '..', 'fixtures', 'amazon', 'sshd.Dockerfile');

/** Builds the image once per machine (.ci/run builds it too); Debian's packages are the only thing fetched. */
export function ensureSshdImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', SSHD_IMAGE], { stdio: 'ignore' });
    return;
  } catch {
    // Not built yet.
  }
  execFileSync('docker', ['build', '-q', '-t', SSHD_IMAGE, '-'], { input: readFileSync(DOCKERFILE), stdio: ['pipe', 'ignore', 'pipe'], timeout: 600_000 });
}

export interface InstanceMachine {
  port: number;
  containerId: string;
  /** Replaces the trusted keys with the public halves of every key pair moto holds. */
  trustKeyPairsOf(ec2: EC2Client): Promise<string[]>;
  /** Keeps trusting moto's key pairs every 200 ms until `stop`. */
  followKeyPairsOf(ec2: EC2Client): void;
  /** sshd's log (LogLevel VERBOSE: which key it accepted). */
  log(): string;
  /** Runs a command in the container as root. */
  exec(command: string): string;
  stop(): Promise<void>;
}

export async function startInstanceMachine(): Promise<InstanceMachine> {
  ensureSshdImage();
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-ec2-machine-'));
  chmodSync(dir, 0o755);
  const keys = join(dir, 'authorized_keys');
  writeFileSync(keys, '', { mode: 0o644 });
  const port = await freePort();
  const id = execFileSync('docker', [
    'run', '-d', '--rm', '--label', LABEL, '-p', `127.0.0.1:${port}:22`, '-v', `${dir}:/keys:ro`, SSHD_IMAGE,
    '/usr/sbin/sshd', '-D', '-e', '-o', 'AuthorizedKeysFile=/keys/authorized_keys', '-o', 'StrictModes=no',
    '-o', 'PasswordAuthentication=no', '-o', 'KbdInteractiveAuthentication=no', '-o', 'LogLevel=VERBOSE',
    // Packer 1.6.6 (the reference run side by side) still signs with SHA-1 RSA, which OpenSSH 9 refuses by default.
    '-o', 'PubkeyAcceptedAlgorithms=+ssh-rsa',
  ], { encoding: 'utf8' }).trim();
  let timer: NodeJS.Timeout | undefined;
  const trust = async (ec2: EC2Client): Promise<string[]> => {
    const r = await ec2.send(new DescribeKeyPairsCommand({ IncludePublicKey: true }));
    const lines = (r.KeyPairs ?? []).flatMap((k) => (k.PublicKey ? [`${k.PublicKey.trim()} ${k.KeyName ?? ''}`] : []));
    writeFileSync(keys, lines.map((l) => `${l}\n`).join(''));
    return (r.KeyPairs ?? []).map((k) => k.KeyName ?? '');
  };
  return {
    port,
    containerId: id,
    trustKeyPairsOf: trust,
    followKeyPairsOf(ec2) {
      const tick = (): void => {
        void trust(ec2).catch(() => undefined).finally(() => {
          if (timer) timer = setTimeout(tick, 200);
        });
      };
      timer = setTimeout(tick, 0);
    },
    log: () => {
      const r = spawnSync('docker', ['logs', id], { encoding: 'utf8' });
      return `${r.stdout}${r.stderr}`;
    },
    exec: (command) => execFileSync('docker', ['exec', id, 'sh', '-c', command], { encoding: 'utf8' }),
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      try {
        execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
