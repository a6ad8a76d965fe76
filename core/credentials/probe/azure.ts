/**
 * azure: a client-credentials token for Azure Resource Manager from the credential's authority, through @azure/identity
 * (ClientSecretCredential, or ClientCertificateCredential for a certificate; the authority is AZURE_AUTHORITY_HOST, the
 * variable @azure/identity itself reads, else Azure's public cloud), then a GET of the subscription with it, so a
 * principal without access to the subscription fails too. The Resource Manager endpoint is
 * AZURE_RESOURCE_MANAGER_ENDPOINT, else https://management.azure.com. A use_azure_cli_auth credential is the Azure CLI's
 * login, which this does not test yet.
 */
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from '@azure/identity';
import type { Credential } from '../vault';
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions, type ProbeOutcome } from './outcome';

const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
const PUBLIC_RESOURCE_MANAGER = 'https://management.azure.com';
/** The Subscriptions API version the Azure CLI uses for `az account show`. */
const SUBSCRIPTIONS_API = '2022-12-01';

export async function probeAzure(credential: Credential, opts: ProbeOptions): Promise<ProbeOutcome> {
  const f = credential.fields;
  if (f.use_azure_cli_auth === true) return { ok: false, message: "testing a use_azure_cli_auth credential (the Azure CLI's login) is not implemented yet" };
  const authorityHost = opts.env.AZURE_AUTHORITY_HOST || PUBLIC_AUTHORITY;
  const resourceManager = (opts.env.AZURE_RESOURCE_MANAGER_ENDPOINT || PUBLIC_RESOURCE_MANAGER).replace(/\/$/, '');
  // Instance discovery asks Microsoft's public cloud which authorities exist; a sovereign or private authority has none there.
  const options = { authorityHost, disableInstanceDiscovery: authorityHost !== PUBLIC_AUTHORITY };
  const tenant = String(f.tenant_id);
  const client = String(f.client_id);
  const identity: TokenCredential =
    typeof f.client_secret === 'string'
      ? new ClientSecretCredential(tenant, client, f.client_secret, options)
      : new ClientCertificateCredential(tenant, client, { certificatePath: String(f.client_cert_path), ...(typeof f.client_cert_password === 'string' ? { certificatePassword: f.client_cert_password } : {}) }, options);
  const signal = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  let token: string;
  try {
    const answer = await identity.getToken(`${resourceManager}/.default`, { abortSignal: signal });
    if (!answer) return { ok: false, message: `${authorityHost} gave ${client} no token` };
    token = answer.token;
  } catch (e) {
    return { ok: false, message: `${authorityHost} refused ${client}: ${firstLine((e as Error).message)}` };
  }
  const subscription = String(f.subscription_id);
  let response: Response;
  try {
    response = await fetch(`${resourceManager}/subscriptions/${encodeURIComponent(subscription)}?api-version=${SUBSCRIPTIONS_API}`, { headers: { Authorization: `Bearer ${token}` }, signal });
  } catch (e) {
    const error = e as Error & { cause?: { code?: string } };
    return { ok: false, message: `cannot reach ${resourceManager}: ${error.cause?.code ?? error.message}` };
  }
  const body = (await response.json().catch(() => ({}))) as { displayName?: string; state?: string; error?: { code?: string; message?: string } };
  if (response.ok) return { ok: true, message: `${client} has a token from ${authorityHost} and sees subscription ${subscription}${body.displayName ? ` (${body.displayName}${body.state ? `, ${body.state}` : ''})` : ''}` };
  const reason = body.error ? `${body.error.code ?? ''}: ${body.error.message ?? ''}` : `${response.status} ${response.statusText}`;
  return { ok: false, message: `${client} has a token from ${authorityHost} but cannot read subscription ${subscription}: ${reason}` };
}

/** MSAL's messages run to many lines of trace and correlation ids; the first says what happened. */
function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text;
}
