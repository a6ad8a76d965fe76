/**
 * Bench: an azure-arm Linux managed-image build by the bundled CLI (`bin/bakehouse.js build`) against the project's
 * Resource Manager emulator (test/emulators/azure), poll intervals at their defaults (the builder's, and the emulator's
 * Retry-After of 0, so the client polls at its own interval). Prints each run's wall time, its Resource Manager calls
 * (the emulator counts every request, long-running-operation polls included) and token requests, the median, and the
 * calls of one run by operation. The VM is an sshd container, so the wall time is the build's own overhead plus a
 * container's boot, stop and commit, not Azure's minutes.
 * Run: npm run bench -- azure [--runs N]   (or node --import tsx bench/azure-build.ts, after `node scripts/build.mjs`)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ResourceManagementClient } from '@azure/arm-resources';
import { startAzureEmulator, type AzureEmulator } from '../test/emulators/azure/emulator';
import { armClientOptions, emulatorCredential } from '../test/emulators/azure/sdk';

const ROOT = resolve(__dirname, '..');
const BAKEHOUSE = join(ROOT, 'bin', 'bakehouse.js');
const ARGV = process.argv.slice(2);
const runsAt = ARGV.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(ARGV[runsAt + 1]) : 3;
const IDENTITY = new Set(['Identity_Token', 'Identity_Metadata']);
const POLLS = new Set(['AsyncOperation_Get', 'OperationResults_Get']);

function template(emu: AzureEmulator, image: string, sshPort: number): string {
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
  location        = "westeurope"
  vm_size         = "Standard_B1s"
  managed_image_name                = "${image}"
  managed_image_resource_group_name = "images"
  ssh_port = ${sshPort}
}
build {
  sources = ["source.azure-arm.ubuntu"]
  provisioner "shell" {
    inline = ["echo baked | sudo tee /etc/bakehouse-baked"]
  }
}
`;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

const sum = (calls: Record<string, number>, pick: (op: string) => boolean): number =>
  Object.entries(calls).reduce((n, [op, c]) => (pick(op) ? n + c : n), 0);

async function build(emu: AzureEmulator, n: number): Promise<{ seconds: number; calls: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-bench-azure-'));
  writeFileSync(join(dir, 'template.pkr.hcl'), template(emu, `bench-${n}`, await emu.reserveSshPort()));
  const before = { ...emu.calls };
  const started = performance.now();
  const child = spawn(process.execPath, [BAKEHOUSE, 'build', 'template.pkr.hcl'], {
    cwd: dir,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: emu.caPath, AZURE_AUTHORITY_HOST: emu.authorityHost, AZURE_RESOURCE_MANAGER_ENDPOINT: emu.armUrl, BAKEHOUSE_DATA_DIR: join(dir, 'data'), CHECKPOINT_DISABLE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`build ${n} failed (exit ${code}):\n${out}`);
  return { seconds, calls: delta(emu.calls, before) };
}

async function main(): Promise<void> {
  const emu = await startAzureEmulator();
  try {
    const resources = new ResourceManagementClient(emulatorCredential(emu), emu.subscriptionId, armClientOptions(emu));
    await resources.resourceGroups.createOrUpdate('images', { location: 'westeurope' });
    console.log(`azure-arm build against the emulator, ${RUNS} run(s); load average at start ${loadavg()[0]?.toFixed(2)}\n`);
    console.log('| run | wall (s) | ARM calls | of which LRO polls | token requests |');
    console.log('| --- | --- | --- | --- | --- |');
    const results = [];
    for (let i = 1; i <= RUNS; i++) {
      const r = await build(emu, i);
      results.push(r);
      console.log(`| ${i} | ${r.seconds.toFixed(1)} | ${sum(r.calls, (op) => !IDENTITY.has(op))} | ${sum(r.calls, (op) => POLLS.has(op))} | ${sum(r.calls, (op) => op === 'Identity_Token')} |`);
    }
    const sorted = results.map((r) => r.seconds).sort((a, b) => a - b);
    console.log(`\nmedian wall time: ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} s`);
    const last = results.at(-1);
    if (last) {
      console.log('\nARM calls of the last run, by operation:');
      for (const [op, c] of Object.entries(last.calls).sort((a, b) => b[1] - a[1])) console.log(`  ${op}: ${c}`);
    }
  } finally {
    await emu.close();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
