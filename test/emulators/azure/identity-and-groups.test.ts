/**
 * The emulator's identity platform and resource groups, driven by Azure's own SDKs (@azure/identity's
 * ClientSecretCredential, @azure/arm-resources' ResourceManagementClient) over HTTPS with the emulator's CA.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:https';
import { ResourceManagementClient } from '@azure/arm-resources';
import { startAzureEmulator, type AzureEmulator } from './emulator';
import { armClientOptions, emulatorCredential } from './sdk';

let emu: AzureEmulator;
before(async () => {
  emu = await startAzureEmulator();
});
after(() => emu?.close());

test('a client-credentials token from the authority; a wrong secret is refused with AADSTS7000215', async () => {
  const token = await emulatorCredential(emu).getToken(`${emu.armUrl}/.default`);
  assert.ok(token.token.split('.').length === 3);
  assert.ok(token.expiresOnTimestamp > Date.now() + 3_000_000);
  await assert.rejects(emulatorCredential(emu, 'not-the-secret').getToken(`${emu.armUrl}/.default`), /AADSTS7000215: Invalid client secret provided/);
  assert.ok((emu.calls.Identity_Metadata ?? 0) >= 1);
});

test('instance discovery and OpenID metadata answer as the identity platform does, on the authority host', async () => {
  const json = (path: string): Promise<{ status: number; body: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      get(`${emu.authorityHost}${path}`, { ca: emu.caCert }, (res) => {
        let text = '';
        res.on('data', (b: Buffer) => (text += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      }).on('error', reject);
    });
  const discovery = await json(`/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${emu.authorityHost}/${emu.tenantId}/oauth2/v2.0/authorize`)}`);
  assert.equal(discovery.body.tenant_discovery_endpoint, `${emu.authorityHost}/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
  const config = await json(`/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
  assert.equal(config.body.token_endpoint, `${emu.authorityHost}/${emu.tenantId}/oauth2/v2.0/token`);
  assert.equal(config.body.issuer, `${emu.authorityHost}/${emu.tenantId}/v2.0`);
  const unknown = await json('/00000000-0000-0000-0000-00000000dead/v2.0/.well-known/openid-configuration');
  assert.equal(unknown.status, 400);
  assert.match(String(unknown.body.error_description), /^AADSTS90002: Tenant '00000000-0000-0000-0000-00000000dead' not found/);
});

test('resource groups: create, read, check, tag-filtered list, delete through the SDK poller, then 404 ResourceGroupNotFound', async () => {
  const rm = new ResourceManagementClient(emulatorCredential(emu), emu.subscriptionId, armClientOptions(emu));
  const created = await rm.resourceGroups.createOrUpdate('pkr-Resource-Group-1', { location: 'westeurope', tags: { 'bakehouse-run': 'r1' } });
  assert.equal(created.id, `/subscriptions/${emu.subscriptionId}/resourceGroups/pkr-Resource-Group-1`);
  assert.equal(created.properties?.provisioningState, 'Succeeded');
  await rm.resourceGroups.createOrUpdate('other', { location: 'westeurope' });
  assert.equal((await rm.resourceGroups.get('PKR-resource-group-1')).name, 'pkr-Resource-Group-1');
  assert.equal((await rm.resourceGroups.checkExistence('pkr-Resource-Group-1')).body, true);
  const tagged = [];
  for await (const g of rm.resourceGroups.list({ filter: "tagName eq 'bakehouse-run' and tagValue eq 'r1'" })) tagged.push(g.name);
  assert.deepEqual(tagged, ['pkr-Resource-Group-1']);

  const poller = await rm.resourceGroups.beginDelete('pkr-Resource-Group-1', { updateIntervalInMs: 20 });
  assert.equal((await rm.resourceGroups.get('pkr-Resource-Group-1')).properties?.provisioningState, 'Deleting');
  await poller.pollUntilDone();
  assert.equal((await rm.resourceGroups.checkExistence('pkr-Resource-Group-1')).body, false);
  await assert.rejects(rm.resourceGroups.get('pkr-Resource-Group-1'), (e: Error & { code?: string; statusCode?: number }) => e.code === 'ResourceGroupNotFound' && e.statusCode === 404);
  assert.equal(emu.calls.ResourceGroups_Delete, 1);
  assert.ok((emu.calls.OperationResults_Get ?? 0) >= 2, 'the poller followed Location until the delete ended');
});

test('a delete nobody polls (async_resourcegroup_delete) still ends: the group is gone a moment later', async () => {
  const rm = new ResourceManagementClient(emulatorCredential(emu), emu.subscriptionId, armClientOptions(emu));
  await rm.resourceGroups.createOrUpdate('fire-and-forget', { location: 'westus2' });
  await rm.resourceGroups.beginDelete('fire-and-forget');
  assert.equal((await rm.resourceGroups.checkExistence('fire-and-forget')).body, true);
  const deadline = Date.now() + 5_000;
  while ((await rm.resourceGroups.checkExistence('fire-and-forget')).body && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await rm.resourceGroups.checkExistence('fire-and-forget')).body, false);
});

test('a request without a token of the authority is refused 401', async () => {
  const rm = new ResourceManagementClient({ getToken: () => Promise.resolve({ token: 'forged', expiresOnTimestamp: Date.now() + 60_000 }) }, emu.subscriptionId, armClientOptions(emu));
  await assert.rejects(rm.resourceGroups.get('any'), (e: Error & { code?: string; statusCode?: number }) => e.statusCode === 401 && e.code === 'InvalidAuthenticationToken');
});
