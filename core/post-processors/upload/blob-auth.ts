/**
 * Which credential the upload uses for Azure Blob storage, in this order: the `sas_token` field, a SAS query string on
 * `destination`, then the build's environment as Azure's own tools (az storage, azcopy) read it:
 * AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY (with AZURE_STORAGE_ACCOUNT or the destination's account), and
 * AZURE_STORAGE_SAS_TOKEN. Each answer names its source, for errors, and lists the secrets to mask.
 */
import { err, ok, type Result } from '../../common/result';
import type { ServicePrincipal } from '../../cloud/azure/credentials';
import type { BlobDestination } from './destination';

export type BlobAuth =
  | { kind: 'sas'; sas: string; source: string; secrets: string[] }
  | { kind: 'shared-key'; account: string; key: string; source: string; secrets: string[] }
  /** A service principal (or the Azure CLI's login), asking the identity platform for a storage token. */
  | { kind: 'principal'; principal: ServicePrincipal | 'azure-cli'; tenantId: string; source: string; secrets: string[] };

/** The upload's service principal fields (or use_azure_cli_auth), as the template or a bound azure credential give them. */
export interface PrincipalFields {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  clientCertPath: string;
  clientCertPassword: string;
  useAzureCliAuth: boolean;
}

/**
 * The storage emulator's account and key, which Microsoft publishes for everyone to use
 * (https://learn.microsoft.com/azure/storage/common/storage-use-azurite#http-connection-strings); what
 * `UseDevelopmentStorage=true` stands for.
 */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function blobAuth(dest: BlobDestination, sasToken: string, env: Record<string, string | undefined>, principal?: PrincipalFields): Result<BlobAuth> {
  if (sasToken !== '') return ok(sas(sasToken, "the sas_token field"));
  if (dest.sas !== '') return ok(sas(dest.sas, "the SAS in destination"));
  if (principal && principal.clientId !== '') {
    const tenantId = principal.tenantId || env.AZURE_TENANT_ID || '';
    if (tenantId === '') return err('tenant_id: client_id gives a service principal but no tenant; set tenant_id (or AZURE_TENANT_ID)');
    if (principal.clientSecret === '' && principal.clientCertPath === '') return err('client_secret: client_id needs client_secret or client_cert_path');
    const p: ServicePrincipal = {
      tenantId,
      clientId: principal.clientId,
      ...(principal.clientSecret ? { clientSecret: principal.clientSecret } : {}),
      ...(principal.clientCertPath ? { clientCertPath: principal.clientCertPath, clientCertPassword: principal.clientCertPassword } : {}),
    };
    const secrets = [principal.clientSecret, principal.clientCertPassword].filter((x) => x !== '');
    return ok({ kind: 'principal', principal: p, tenantId, source: `the service principal ${principal.clientId} (client_id)`, secrets });
  }
  if (principal?.useAzureCliAuth) return ok({ kind: 'principal', principal: 'azure-cli', tenantId: principal.tenantId, source: "the Azure CLI's login (use_azure_cli_auth)", secrets: [] });
  const connection = env.AZURE_STORAGE_CONNECTION_STRING ?? '';
  if (connection !== '') return fromConnectionString(dest, connection);
  const key = env.AZURE_STORAGE_KEY ?? '';
  if (key !== '') {
    const account = env.AZURE_STORAGE_ACCOUNT || dest.account;
    if (account !== dest.account) return err(`destination: the account is "${dest.account}", but AZURE_STORAGE_ACCOUNT is "${account}"`);
    return ok({ kind: 'shared-key', account, key, source: 'AZURE_STORAGE_KEY', secrets: [key] });
  }
  const envSas = env.AZURE_STORAGE_SAS_TOKEN ?? '';
  if (envSas !== '') return ok(sas(envSas, 'AZURE_STORAGE_SAS_TOKEN'));
  return err('sas_token: no credentials for Blob storage; give sas_token, a SAS query string in destination, or AZURE_STORAGE_CONNECTION_STRING in the environment');
}

function sas(text: string, source: string): BlobAuth {
  const query = text.replace(/^\?/, '');
  const sig = new URLSearchParams(query).get('sig') ?? '';
  return { kind: 'sas', sas: query, source, secrets: [query, ...(sig ? [sig] : [])] };
}

/** `Key=Value;…` as Azure's tools read it: names in any case, a value may hold '=' (a key's base64 padding, a SAS). */
function fromConnectionString(dest: BlobDestination, text: string): Result<BlobAuth> {
  const parts = new Map<string, string>();
  for (const pair of text.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) parts.set(pair.slice(0, at).trim().toLowerCase(), pair.slice(at + 1).trim());
  }
  const source = 'AZURE_STORAGE_CONNECTION_STRING';
  const secrets = [text];
  const signature = parts.get('sharedaccesssignature') ?? '';
  if (signature !== '') return ok({ ...sas(signature, source), secrets: [text, ...sas(signature, source).secrets] });
  const dev = parts.get('usedevelopmentstorage')?.toLowerCase() === 'true';
  const account = dev ? DEV_ACCOUNT : (parts.get('accountname') ?? '');
  const key = dev ? DEV_KEY : (parts.get('accountkey') ?? '');
  if (account === '' || key === '') return err(`${source}: has neither AccountName and AccountKey nor SharedAccessSignature`);
  if (account !== dest.account) return err(`destination: the account is "${dest.account}", but ${source} is for "${account}"`);
  if (!dev) secrets.push(key);
  return ok({ kind: 'shared-key', account, key, source, secrets });
}
