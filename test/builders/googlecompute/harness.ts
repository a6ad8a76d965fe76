/**
 * What the googlecompute build tests share: the project's Compute Engine emulator (test/emulators/gce), a template
 * pointed at it the way Packer's plugin allows — `custom_endpoints.compute` and a key file whose token_uri is the
 * emulator's — with the CA trusted through the child's NODE_EXTRA_CA_CERTS, and a real `bakehouse build` process
 * (test/cli/commands/build-runner.ts) started asynchronously (a spawnSync would block the in-process emulator).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GceEmulator } from '../../emulators/gce/emulator';
import { TSX_LOADER } from '../../support/tsx';

export const RUNNER = join(__dirname, '..', '..', 'cli', 'commands', 'build-runner.ts');
export const ZONE = 'us-central1-a';

export interface TemplateOptions {
  sshPort: number;
  imageName?: string;
  inline?: string[];
  /** credentials_file's contents (the emulator's key unless told). */
  keyFile?: string;
  extra?: string;
  /** Files written next to the template (a startup_script_file). */
  files?: Record<string, string>;
}

/** Packer's googlecompute docs example (a Debian family image, ssh_username, zone), pointed at the emulator. */
export function gceTemplate(emu: GceEmulator, dir: string, o: TemplateOptions): string {
  writeFileSync(join(dir, 'key.json'), o.keyFile ?? emu.keyFile, { mode: 0o600 });
  for (const [name, text] of Object.entries(o.files ?? {})) writeFileSync(join(dir, name), text);
  const inline = o.inline ?? ['echo baked by bakehouse | sudo tee /etc/bakehouse-baked', 'uname -a'];
  return `
source "googlecompute" "debian" {
  project_id          = "${emu.project}"
  source_image_family = "debian-12"
  ssh_username        = "packer"
  zone                = "${ZONE}"
  machine_type        = "e2-micro"
  image_name          = "${o.imageName ?? 'bakehouse-debian'}"
  image_family        = "bakehouse-debian"
  image_labels        = { team = "bakehouse" }
  labels              = { team = "bakehouse" }
  credentials_file    = "key.json"
  custom_endpoints    = { compute = "${emu.computeUrl}" }

  # The emulator publishes each instance's SSH on 127.0.0.1 (its NAT IP) at a port of its own.
  ssh_port    = ${o.sshPort}
  ssh_timeout = "2m"
${o.extra ?? ''}
}

build {
  sources = ["source.googlecompute.debian"]
  provisioner "shell" {
    inline = ${JSON.stringify(inline)}
  }
}
`;
}

export function templateFolder(): string {
  return mkdtempSync(join(tmpdir(), 'bakehouse-googlecompute-'));
}

export interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function startBuild(dir: string, emu: GceEmulator, args: string[] = [], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, RUNNER, ...args, 'template.pkr.hcl'], {
    cwd: dir,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: emu.caPath, BAKEHOUSE_DATA_DIR: join(dir, 'data'), GOOGLE_APPLICATION_CREDENTIALS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Writes the template into `dir` and starts the build. */
export function build(emu: GceEmulator, o: TemplateOptions, args: string[] = []): Running & { dir: string } {
  const dir = templateFolder();
  writeFileSync(join(dir, 'template.pkr.hcl'), gceTemplate(emu, dir, o));
  return { ...startBuild(dir, emu, args), dir };
}
