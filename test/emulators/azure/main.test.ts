/**
 * The emulator started on its own as a person would (`node --import tsx test/emulators/azure/main.ts --port N`): it
 * prints its endpoints, CA file and service principal, and with exactly those settings in the environment
 * (NODE_EXTRA_CA_CERTS, AZURE_AUTHORITY_HOST, AZURE_RESOURCE_MANAGER_ENDPOINT) Bakehouse's own Azure credential check,
 * in another process, gets a token and reads the subscription. SIGINT stops it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../support/sshd';
import { TSX_LOADER } from '../../support/tsx';

const ROOT = join(__dirname, '..', '..', '..');

test('main.ts serves on the port asked and prints what a client needs; a client with those settings works', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(__dirname, 'main.ts'), '--port', String(port), '--resource-group', 'images'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!out.includes('subscription_id') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  const value = (re: RegExp): string => re.exec(out)?.[1] ?? assert.fail(`no ${re.source} in:\n${out}`);
  assert.equal(value(/AZURE_RESOURCE_MANAGER_ENDPOINT=(\S+)/), `https://127.0.0.1:${port}`);
  // Printed once Resource Manager has made it, so a managed_image_resource_group_name can name it.
  assert.match(out, /resource group images \(westeurope\)/);
  const env = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: value(/NODE_EXTRA_CA_CERTS=(\S+)/),
    AZURE_AUTHORITY_HOST: value(/AZURE_AUTHORITY_HOST=(\S+)/),
    AZURE_RESOURCE_MANAGER_ENDPOINT: value(/AZURE_RESOURCE_MANAGER_ENDPOINT=(\S+)/),
  };
  const fields = { tenant_id: value(/tenant_id\s+= "([^"]+)"/), client_id: value(/client_id\s+= "([^"]+)"/), client_secret: value(/client_secret\s+= "([^"]+)"/), subscription_id: value(/subscription_id = "([^"]+)"/) };
  const probe = (f: object): { ok: boolean; message: string } => {
    const script = `require(${JSON.stringify(join(ROOT, 'core/credentials/probe/azure.ts'))}).probeAzure({ name: 'emu', kind: 'azure', fields: ${JSON.stringify(f)} }, { env: process.env }).then((o) => process.stdout.write(JSON.stringify(o)))`;
    const r = spawnSync(process.execPath, ['--import', TSX_LOADER, '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
    return JSON.parse(r.stdout || '{}') as { ok: boolean; message: string };
  };
  try {
    assert.deepEqual(probe(fields), { ok: true, message: `${fields.client_id} has a token from ${env.AZURE_AUTHORITY_HOST} and sees subscription ${fields.subscription_id} (Bakehouse Azure emulator, Enabled)` });
    const wrong = probe({ ...fields, client_secret: 'wrong' });
    assert.equal(wrong.ok, false);
    assert.match(wrong.message, /AADSTS7000215/);
  } finally {
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  }
});
