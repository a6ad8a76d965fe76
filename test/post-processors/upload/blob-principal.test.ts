/**
 * A service principal uploads to Blob storage: an azure credential from the vault, bound to the build
 * (`-credential 'null.*=sp'`), fills the upload's tenant_id/client_id/client_secret; the upload asks the identity platform
 * (the Azure emulator's, test/emulators/azure) for a storage token and sends the blob with it to Azurite over HTTPS with
 * bearer tokens on (`--oauth basic`). Without the binding the same upload has no credentials; a wrong secret is refused
 * naming the principal, its secret masked.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite, type Azurite } from '../../support/azurite';
import { TSX_LOADER } from '../../support/tsx';
import { makeTls } from '../../emulators/azure/ca';
import { startAzureEmulator, type AzureEmulator } from '../../emulators/azure/emulator';
import { BIN, runBakehouse, type CliRun } from '../../cli/run-cli';
import { artifactFolder, MIB, writeTemplate } from './harness';

let emu: AzureEmulator;
let azurite: Azurite;
let caFile: string;

before(async () => {
  emu = await startAzureEmulator();
  const tls = makeTls();
  azurite = await startAzurite({ tls: { cert: join(tls.dir, 'server.pem'), key: join(tls.dir, 'server.key') } });
  caFile = join(mkdtempSync(join(tmpdir(), 'bakehouse-blob-ca-')), 'ca.pem');
  writeFileSync(caFile, `${emu.caCert}\n${tls.caCert}`);
  blobClient('create', `${azurite.serviceUrl}/images`);
});

after(async () => {
  await azurite?.stop();
  await emu?.close();
});

/** The CLI in its own process, waited for without blocking this one: the identity platform answering it runs here. */
function bakehouse(args: string[], cwd: string, env: Record<string, string>): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

function blobClient(what: 'create' | 'sha256', url: string): string {
  const r = spawnSync(process.execPath, ['--import', TSX_LOADER, join(__dirname, 'blob-client.ts'), what, url], { env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('an azure credential bound to the build uploads with a storage token from the identity platform; unbound or refused, it says why', async () => {
  const { dir, disk } = artifactFolder(5 * MIB);
  const path = writeTemplate(dir, `destination = "${azurite.serviceUrl}/images/sp/"`, ['disk.img']);
  const env = {
    BAKEHOUSE_DATA_DIR: join(dir, 'data'),
    BAKEHOUSE_VAULT_KEYRING: '0',
    BAKEHOUSE_VAULT_PASSPHRASE: 'blob pass',
    NODE_EXTRA_CA_CERTS: caFile,
    AZURE_AUTHORITY_HOST: emu.authorityHost,
  };
  const add = (name: string, secret: string) =>
    assert.equal(runBakehouse(['credentials', 'add', 'azure', name], { env, input: JSON.stringify({ tenant_id: emu.tenantId, client_id: emu.clientId, client_secret: secret, subscription_id: emu.subscriptionId }) }).code, 0);
  add('sp', emu.clientSecret);
  add('wrong', 'not-the-secret-9f3a');

  const bound = await bakehouse(['build', '-credential', 'null.*=sp', path], dir, env);
  assert.equal(bound.code, 0, bound.stdout + bound.stderr);
  assert.equal(blobClient('sha256', `${azurite.serviceUrl}/images/sp/disk.img`), createHash('sha256').update(disk).digest('hex'));
  assert.ok(!(bound.stdout + bound.stderr).includes(emu.clientSecret), 'the secret is not shown');

  const unbound = await bakehouse(['build', path], dir, env);
  assert.equal(unbound.code, 1);
  assert.match(unbound.stdout + unbound.stderr, /sas_token: no credentials for Blob storage/);

  const refused = await bakehouse(['build', '-credential', 'null.*=wrong', path], dir, env);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout + refused.stderr, new RegExp(`service principal ${emu.clientId}`));
  assert.ok(!(refused.stdout + refused.stderr).includes('not-the-secret-9f3a'), 'the wrong secret is not shown');
});
