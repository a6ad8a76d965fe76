/**
 * Runs the Azure Resource Manager emulator on its own, so a person can try an azure-arm template offline:
 *   node --import tsx test/emulators/azure/main.ts [--port N] [--ssh-port N] [--resource-group NAME]
 * (--resource-group makes a group in westeurope at start, such as the one managed_image_resource_group_name names.)
 * It prints the endpoints, the CA file and the service principal to put in the template and environment, and runs
 * until interrupted (Ctrl-C removes the VMs' containers).
 */
import { ResourceManagementClient } from '@azure/arm-resources';
import { startAzureEmulator } from './emulator';
import { armClientOptions, emulatorCredential } from './sdk';
import { portFlag } from '../http';


async function main(): Promise<void> {
  const port = portFlag('--port');
  const sshPort = portFlag('--ssh-port');
  const emu = await startAzureEmulator(port !== undefined ? { port } : {});
  if (sshPort !== undefined) await emu.reserveSshPort(sshPort);
  const groupAt = process.argv.indexOf('--resource-group');
  const group = groupAt === -1 ? undefined : process.argv[groupAt + 1];
  if (group) await new ResourceManagementClient(emulatorCredential(emu), emu.subscriptionId, armClientOptions(emu)).resourceGroups.createOrUpdate(group, { location: 'westeurope' });
  process.stdout.write(
    [
      `Azure Resource Manager emulator at ${emu.armUrl}`,
      `  AZURE_RESOURCE_MANAGER_ENDPOINT=${emu.armUrl}`,
      `  AZURE_AUTHORITY_HOST=${emu.authorityHost}`,
      `  NODE_EXTRA_CA_CERTS=${emu.caPath}`,
      `  tenant_id       = "${emu.tenantId}"`,
      `  client_id       = "${emu.clientId}"`,
      `  client_secret   = "${emu.clientSecret}"`,
      `  subscription_id = "${emu.subscriptionId}"`,
      ...(group ? [`  resource group ${group} (westeurope)`] : []),
      sshPort !== undefined ? `  the first VM's SSH: ssh_host = "127.0.0.1", ssh_port = ${sshPort}` : '  VMs publish SSH on 127.0.0.1 at a free port each (--ssh-port N fixes the first)',
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void emu.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
