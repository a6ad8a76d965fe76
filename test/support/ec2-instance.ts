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

/**
 * sshd's AuthorizedKeysCommand: asks moto (the endpoint `followKeyPairsOf` wrote) for the public keys of its key pairs at
 * the moment a client authenticates, as EC2 puts a key pair's key into the instance, so a key pair made a moment ago is
 * trusted at once (no polling race that would send a client into its retry delay). bash's /dev/tcp, because the image has
 * no HTTP client; moto does not check signatures unless started with auth, and reads the region from the credential scope.
 */
const AUTHORIZED_KEYS_COMMAND = `#!/bin/bash
read -r host port region < /keys/endpoint 2>/dev/null || exit 0
exec 3<>"/dev/tcp/$host/$port" || exit 0
printf 'GET /?Action=DescribeKeyPairs&IncludePublicKey=true&Version=2016-11-15 HTTP/1.0\r\nHost: %s:%s\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIABAKEHOUSETEST001/20260101/%s/ec2/aws4_request, SignedHeaders=host, Signature=0\r\n\r\n' "$host" "$port" "$region" >&3
sed -n 's:.*<publicKey>\\([^<]*\\)</publicKey>.*:\\1:p' <&3 | sed 's/&#43;/+/g'
`;

async function pointAt(ec2: EC2Client, file: string): Promise<void> {
  const endpoint = await ec2.config.endpoint?.();
  const region = await ec2.config.region();
  if (!endpoint) return;
  writeFileSync(file, `${endpoint.hostname} ${endpoint.port ?? 80} ${region}\n`);
}

export async function startInstanceMachine(): Promise<InstanceMachine> {
  ensureSshdImage();
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-ec2-machine-'));
  chmodSync(dir, 0o755);
  const keys = join(dir, 'authorized_keys');
  writeFileSync(keys, '', { mode: 0o644 });
  const endpointFile = join(dir, 'endpoint');
  writeFileSync(join(dir, 'ec2-keys'), AUTHORIZED_KEYS_COMMAND, { mode: 0o755 });
  const port = await freePort();
  // Host networking, so the AuthorizedKeysCommand reaches moto on 127.0.0.1 as the builder does.
  const id = execFileSync('docker', [
    'run', '-d', '--rm', '--label', LABEL, '--network', 'host', '-v', `${dir}:/keys:ro`, SSHD_IMAGE,
    '/usr/sbin/sshd', '-D', '-e', '-p', String(port), '-o', 'ListenAddress=127.0.0.1',
    '-o', 'AuthorizedKeysFile=/keys/authorized_keys', '-o', 'StrictModes=no',
    '-o', 'AuthorizedKeysCommand=/keys/ec2-keys %u', '-o', 'AuthorizedKeysCommandUser=nobody',
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
      void pointAt(ec2, endpointFile);
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
