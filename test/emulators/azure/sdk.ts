/**
 * How a client in this process points Azure's own SDKs at the emulator: the authority host and Resource Manager
 * endpoint, the emulator's CA as the pipeline's `tlsOptions.ca` (core-rest-pipeline's TlsSettings, which every client
 * and @azure/identity take), and `disableInstanceDiscovery`, without which MSAL asks login.microsoftonline.com which
 * authorities exist. A child process needs none of this: NODE_EXTRA_CA_CERTS=caPath, AZURE_AUTHORITY_HOST and
 * AZURE_RESOURCE_MANAGER_ENDPOINT (see core/credentials/probe/azure.ts) do the same.
 */
import { ClientSecretCredential } from '@azure/identity';
import type { AzureEmulator } from './emulator';

type Target = Pick<AzureEmulator, 'armUrl' | 'authorityHost' | 'caCert' | 'tenantId' | 'clientId' | 'clientSecret'>;

/** Options for ResourceManagementClient, NetworkManagementClient and ComputeManagementClient. */
export function armClientOptions(emu: Target): { endpoint: string; tlsOptions: { ca: string } } {
  return { endpoint: emu.armUrl, tlsOptions: { ca: emu.caCert } };
}

export function emulatorCredential(emu: Target, secret = emu.clientSecret): ClientSecretCredential {
  return new ClientSecretCredential(emu.tenantId, emu.clientId, secret, { authorityHost: emu.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca: emu.caCert } });
}
