/**
 * Runs the Compute Engine emulator on its own, so a person can try a googlecompute template offline:
 *   node --import tsx test/emulators/gce/main.ts [--port N] [--ssh-port N] [--key-file PATH]
 * It prints the settings to put in the template (custom_endpoints, project_id, zone, the key file it writes) and the
 * environment (NODE_EXTRA_CA_CERTS), and runs until interrupted (Ctrl-C removes the instances' containers and the key file).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { startGceEmulator } from './emulator';
import { portFlag } from '../http';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}


async function main(): Promise<void> {
  const p = portFlag('--port');
  const sshPort = portFlag('--ssh-port');
  const emu = await startGceEmulator(p !== undefined ? { port: p } : {});
  if (sshPort !== undefined) await emu.reserveSshPort(sshPort);
  const keyPath = resolve(arg('--key-file') ?? join(tmpdir(), `bakehouse-gce-emulator-key-${process.pid}.json`));
  writeFileSync(keyPath, emu.keyFile, { mode: 0o600 });
  process.stdout.write(
    [
      `Compute Engine emulator at ${emu.url}`,
      `  NODE_EXTRA_CA_CERTS=${emu.caPath}`,
      `  custom_endpoints = { compute = "${emu.computeUrl}" }`,
      `  project_id       = "${emu.project}"`,
      `  zone             = "us-central1-a"`,
      `  credentials_file = "${keyPath}"`,
      `  source_image_family = "debian-12" (project debian-cloud), or ubuntu-2204-lts (ubuntu-os-cloud)`,
      sshPort !== undefined ? `  the first instance's SSH: ssh_port = ${sshPort}` : '  instances publish SSH on 127.0.0.1 at a free port each (--ssh-port N fixes the first)',
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    rmSync(keyPath, { force: true });
    void emu.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
