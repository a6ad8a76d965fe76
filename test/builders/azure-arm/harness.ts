/**
 * What the azure-arm build tests share: the project's Resource Manager emulator (test/emulators/azure), a Linux
 * managed-image template pointed at it only through the child's environment (NODE_EXTRA_CA_CERTS, AZURE_AUTHORITY_HOST,
 * AZURE_RESOURCE_MANAGER_ENDPOINT, as a user behind a private cloud would) and the VM's SSH port, and a real
 * `bakehouse build` process (test/cli/commands/build-runner.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComputeManagementClient } from '@azure/arm-compute';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { AzureEmulator } from '../../emulators/azure/emulator';
import { armClientOptions, emulatorCredential } from '../../emulators/azure/sdk';
import { TSX_LOADER } from '../../support/tsx';

export const RUNNER = join(__dirname, '..', '..', 'cli', 'commands', 'build-runner.ts');
export const LOCATION = 'westeurope';
/** The resource group the managed images go to, made before the builds as a user would have it. */
export const IMAGES_GROUP = 'images';

export function clients(emu: AzureEmulator): { resources: ResourceManagementClient; compute: ComputeManagementClient } {
  const credential = emulatorCredential(emu);
  return {
    resources: new ResourceManagementClient(credential, emu.subscriptionId, armClientOptions(emu)),
    compute: new ComputeManagementClient(credential, emu.subscriptionId, armClientOptions(emu)),
  };
}

export interface TemplateOptions {
  imageName?: string;
  sshPort: number;
  /** Lines of the shell provisioner. */
  inline?: string[];
  /** HCL added inside the source block. */
  extra?: string;
}

/** Packer's Linux managed-image example (its azure-arm docs), with the emulator's principal and the VM's SSH port. */
export function linuxTemplate(emu: AzureEmulator, o: TemplateOptions): string {
  const inline = o.inline ?? ['echo baked by bakehouse | sudo tee /etc/bakehouse-baked', 'uname -a'];
  return `
source "azure-arm" "ubuntu" {
  client_id       = "${emu.clientId}"
  client_secret   = "${emu.clientSecret}"
  tenant_id       = "${emu.tenantId}"
  subscription_id = "${emu.subscriptionId}"

  os_type         = "Linux"
  image_publisher = "Canonical"
  image_offer     = "0001-com-ubuntu-server-jammy"
  image_sku       = "22_04-lts"

  location = "${LOCATION}"
  vm_size  = "Standard_B1s"

  managed_image_name                = "${o.imageName ?? 'bakehouse-ubuntu'}"
  managed_image_resource_group_name = "${IMAGES_GROUP}"

  azure_tags = { team = "bakehouse" }

  # The emulator publishes each VM's SSH on a port of its own at the public IP it reports (127.0.0.1).
  ssh_port    = ${o.sshPort}
  ssh_timeout = "2m"
${o.extra ?? ''}
}

build {
  sources = ["source.azure-arm.ubuntu"]
  provisioner "shell" {
    inline = ${JSON.stringify(inline)}
  }
}
`;
}

export function templateFolder(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-azure-arm-'));
  writeFileSync(join(dir, 'template.pkr.hcl'), text);
  return dir;
}

/** What a build's environment needs to reach the emulator: its CA, authority and Resource Manager. */
export function emulatorEnv(emu: AzureEmulator): Record<string, string> {
  return { NODE_EXTRA_CA_CERTS: emu.caPath, AZURE_AUTHORITY_HOST: emu.authorityHost, AZURE_RESOURCE_MANAGER_ENDPOINT: emu.armUrl };
}

export interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `bakehouse build template.pkr.hcl` in its own process. */
export function startBuild(dir: string, emu: AzureEmulator, args: string[] = [], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, RUNNER, ...args, 'template.pkr.hcl'], {
    cwd: dir,
    env: { ...process.env, ...emulatorEnv(emu), BAKEHOUSE_DATA_DIR: join(dir, 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** What the emulator holds besides what the test made before the build (the images group, a gallery). */
export function leftovers(emu: AzureEmulator, keep: string[]): string[] {
  const kept = new Set(keep.map((k) => k.toLowerCase()));
  return emu.resourceIds().filter((id) => !kept.has(id.toLowerCase()));
}
