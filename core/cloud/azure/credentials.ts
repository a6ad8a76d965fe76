/**
 * Where Azure credentials come from, in the azure plugin's order (ClientConfig.Validate / AuthType): the template's
 * client_id with client_secret, client_cert_path or client_jwt, then use_azure_cli_auth, then a credential bound from
 * the vault (the hook below), then @azure/identity's DefaultAzureCredential — its environment part read from the build's
 * environment (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH), since the app
 * runs builds with environments of their own; then the Azure CLI, managed identity and the rest of its chain. Each
 * answer names its source, so a refusal can say which credentials were refused.
 */
import type { TokenCredential } from '@azure/core-auth';
import { err, ok, type Result } from '../../common/result';
import type { AzureCloud } from './cloud';

/** The template's authentication fields (the plugin's ClientConfig). */
export interface AzureAuthSettings {
  clientId: string;
  clientSecret: string;
  clientCertPath: string;
  clientCertPassword: string;
  clientJwt: string;
  tenantId: string;
  subscriptionId: string;
  useAzureCliAuth: boolean;
}

/** A credential bound from the vault for this build (the `azure` kind's fields); `name` is what the user sees in errors. */
export interface BoundAzureCredential {
  name: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  clientCertPath?: string;
  clientCertPassword?: string;
  subscriptionId?: string;
  useAzureCliAuth?: boolean;
}

export interface AzureCredentialSource {
  /** In the user's words: "the template's client_id/client_secret". */
  source: string;
  credential: TokenCredential;
  subscriptionId: string;
  tenantId: string;
}

/** A service principal's fields, as the template, a vault credential or the environment give them. */
export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  clientCertPath?: string;
  clientCertPassword?: string;
  clientJwt?: string;
}

/** The identity library's options for a cloud: its authority, and its CA for a private one. */
function identityOptions(cloud: AzureCloud) {
  // Instance discovery asks Azure's public cloud which authorities exist; a private authority is unknown there.
  return {
    authorityHost: cloud.authorityHost,
    disableInstanceDiscovery: cloud.authorityHost !== 'https://login.microsoftonline.com',
    ...(cloud.ca ? { tlsOptions: { ca: cloud.ca.join('\n') } } : {}),
  };
}

/** A token credential for a service principal (secret, certificate or federated JWT), or the Azure CLI's login. */
export async function principalCredential(p: ServicePrincipal | 'azure-cli', cloud: AzureCloud, tenantForCli = ''): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  if (p === 'azure-cli') return new identity.AzureCliCredential(tenantForCli ? { tenantId: tenantForCli } : {});
  const options = identityOptions(cloud);
  if (p.clientSecret) return new identity.ClientSecretCredential(p.tenantId, p.clientId, p.clientSecret, options);
  if (p.clientCertPath) {
    const cert = { certificatePath: p.clientCertPath, ...(p.clientCertPassword ? { certificatePassword: p.clientCertPassword } : {}) };
    return new identity.ClientCertificateCredential(p.tenantId, p.clientId, cert, options);
  }
  const jwt = p.clientJwt ?? '';
  return new identity.ClientAssertionCredential(p.tenantId, p.clientId, async () => jwt, options);
}

export async function azureCredentialSource(
  auth: AzureAuthSettings,
  cloud: AzureCloud,
  env: Record<string, string | undefined>,
  bound?: BoundAzureCredential,
): Promise<Result<AzureCredentialSource>> {
  const identity = await import('@azure/identity');
  const options = identityOptions(cloud);
  const subscription = auth.subscriptionId || bound?.subscriptionId || env.AZURE_SUBSCRIPTION_ID || env.ARM_SUBSCRIPTION_ID || '';
  const made = (source: string, credential: TokenCredential, tenantId: string): Result<AzureCredentialSource> =>
    subscription === ''
      ? err(`subscription_id: no Azure subscription given; set subscription_id in the template (or AZURE_SUBSCRIPTION_ID) — credentials from ${source}`)
      : ok({ source, credential, subscriptionId: subscription, tenantId });
  const principal = async (from: string, p: ServicePrincipal): Promise<Result<AzureCredentialSource>> => {
    if (p.tenantId === '') return err(`tenant_id: ${from} gives a service principal but no tenant; set tenant_id (or AZURE_TENANT_ID)`);
    return made(from, await principalCredential(p, cloud), p.tenantId);
  };
  const tenant = auth.tenantId || env.AZURE_TENANT_ID || '';
  if (auth.clientId !== '' && auth.clientSecret !== '') return principal("the template's client_id/client_secret", { tenantId: tenant, clientId: auth.clientId, clientSecret: auth.clientSecret });
  if (auth.clientId !== '' && auth.clientCertPath !== '') {
    return principal("the template's client_id/client_cert_path", { tenantId: tenant, clientId: auth.clientId, clientCertPath: auth.clientCertPath, clientCertPassword: auth.clientCertPassword });
  }
  if (auth.clientId !== '' && auth.clientJwt !== '') return principal("the template's client_id/client_jwt", { tenantId: tenant, clientId: auth.clientId, clientJwt: auth.clientJwt });
  if (auth.useAzureCliAuth) return made("the Azure CLI's login (use_azure_cli_auth)", new identity.AzureCliCredential(tenant ? { tenantId: tenant } : {}), tenant);
  if (bound) {
    const from = `the vault credential "${bound.name}"`;
    if (bound.useAzureCliAuth) return made(from, new identity.AzureCliCredential(bound.tenantId ? { tenantId: bound.tenantId } : {}), bound.tenantId ?? '');
    return principal(from, {
      tenantId: bound.tenantId ?? tenant,
      clientId: bound.clientId ?? '',
      ...(bound.clientSecret ? { clientSecret: bound.clientSecret } : {}),
      ...(bound.clientCertPath ? { clientCertPath: bound.clientCertPath } : {}),
      ...(bound.clientCertPassword ? { clientCertPassword: bound.clientCertPassword } : {}),
    });
  }
  const envClient = env.AZURE_CLIENT_ID ?? '';
  if (envClient !== '' && env.AZURE_CLIENT_SECRET) {
    return principal('the environment (AZURE_CLIENT_ID/AZURE_CLIENT_SECRET)', { tenantId: tenant, clientId: envClient, clientSecret: env.AZURE_CLIENT_SECRET });
  }
  if (envClient !== '' && env.AZURE_CLIENT_CERTIFICATE_PATH) {
    const password = env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
    return principal('the environment (AZURE_CLIENT_ID/AZURE_CLIENT_CERTIFICATE_PATH)', {
      tenantId: tenant,
      clientId: envClient,
      clientCertPath: env.AZURE_CLIENT_CERTIFICATE_PATH,
      ...(password ? { clientCertPassword: password } : {}),
    });
  }
  return made(
    "@azure/identity's DefaultAzureCredential (workload identity, managed identity, Azure CLI, Azure Developer CLI, Azure PowerShell)",
    new identity.DefaultAzureCredential(options),
    tenant,
  );
}
