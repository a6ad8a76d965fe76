/**
 * Which Azure a build talks to: Resource Manager's URL, the identity platform's authority and the token audience, as the
 * azure plugin's ClientConfig finds them (builder/azure/common/client/config.go, setCloudEnvironment): `metadata_host`
 * (or ARM_METADATA_URL) names a Resource Manager whose `/metadata/endpoints` document describes a custom cloud, else
 * `cloud_environment_name` picks one of Azure's clouds. Bakehouse also reads AZURE_RESOURCE_MANAGER_ENDPOINT and
 * AZURE_AUTHORITY_HOST, the variables the credential test already reads (docs/decisions.md), and trusts the CA file of
 * NODE_EXTRA_CA_CERTS from the build's environment (a private cloud's or the emulator's own CA).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { rootCertificates } from 'node:tls';
import { err, ok, type Result } from '../../common/result';

export interface AzureCloud {
  /** In the user's words, for messages: "AzurePublicCloud", or the metadata host. */
  name: string;
  /** Resource Manager, without a trailing slash: https://management.azure.com. */
  resourceManager: string;
  /** The identity platform: https://login.microsoftonline.com. */
  authorityHost: string;
  /** The scope tokens are asked for: https://management.azure.com/.default. */
  scope: string;
  /** Certificates to trust besides the system's, PEM; undefined uses Node's defaults. */
  ca?: string[];
}

interface KnownCloud {
  name: string;
  resourceManager: string;
  authorityHost: string;
}

/** Azure's clouds as the plugin's hard-coded fallback knows them (go-azure-sdk environments). */
const CLOUDS: Record<string, KnownCloud> = {
  public: { name: 'AzurePublicCloud', resourceManager: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com' },
  china: { name: 'AzureChinaCloud', resourceManager: 'https://management.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn' },
  usgovernment: { name: 'AzureUSGovernmentCloud', resourceManager: 'https://management.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us' },
  // Packer 1.6.6's azure accepted the German cloud; Microsoft closed it in 2021, so a build there cannot succeed.
  german: { name: 'AzureGermanCloud', resourceManager: 'https://management.microsoftazure.de', authorityHost: 'https://login.microsoftonline.de' },
};

/** Every spelling Packer accepts (case-insensitively), to the cloud it means. */
function knownCloud(name: string): KnownCloud | undefined {
  const n = (name || 'Public').toUpperCase().replace(/^AZURE/, '').replace(/CLOUD$/, '');
  const key = n === 'GERMANY' ? 'german' : n.toLowerCase();
  return CLOUDS[key];
}

export interface CloudSettings {
  cloudEnvironmentName: string;
  metadataHost: string;
}

/** The cloud the template and the build's environment name; a metadata host is asked for its endpoints. */
export async function resolveCloud(settings: CloudSettings, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<Result<AzureCloud>> {
  const ca = extraCa(env);
  if (!ca.ok) return ca;
  const withCa = (c: Omit<AzureCloud, 'ca'>): AzureCloud => (ca.value ? { ...c, ca: ca.value } : c);
  const metadataHost = settings.metadataHost || env.ARM_METADATA_URL || env.ARM_METADATA_HOST || '';
  if (metadataHost !== '') {
    const found = await cloudFromMetadata(metadataHost, settings.cloudEnvironmentName, ca.value, signal);
    return found.ok ? ok(withCa(found.value)) : found;
  }
  const known = knownCloud(settings.cloudEnvironmentName);
  if (!known) return err(`cloud_environment_name: There is no cloud environment matching the name '${settings.cloudEnvironmentName}'!`);
  const resourceManager = trimSlash(env.AZURE_RESOURCE_MANAGER_ENDPOINT || known.resourceManager);
  const authorityHost = trimSlash(env.AZURE_AUTHORITY_HOST || known.authorityHost);
  const custom = resourceManager !== known.resourceManager;
  return ok(withCa({ name: custom ? resourceManager : known.name, resourceManager, authorityHost, scope: `${custom ? resourceManager : known.resourceManager}/.default` }));
}

/** The shape of `/metadata/endpoints` (api-version 2022-09-01 answers a list of clouds, older versions one). */
interface MetadataCloud {
  name?: string;
  resourceManager?: string;
  authentication?: { loginEndpoint?: string; audiences?: string[] };
}

/** As go-azure-sdk's environments.FromEndpoint: the cloud named cloud_environment_name in the host's list, else its first. */
async function cloudFromMetadata(host: string, wanted: string, ca: string[] | undefined, signal?: AbortSignal): Promise<Result<Omit<AzureCloud, 'ca'>>> {
  const base = trimSlash(/^https?:\/\//.test(host) ? host : `https://${host}`);
  const url = `${base}/metadata/endpoints?api-version=2022-09-01`;
  let body: unknown;
  try {
    body = await getJson(url, ca, signal);
  } catch (e) {
    return err(`metadata_host: cannot read the cloud's endpoints from ${url}: ${(e as Error).message}`);
  }
  const list = (Array.isArray(body) ? body : [body]) as MetadataCloud[];
  const match = list.find((c) => wanted !== '' && c.name?.toLowerCase() === wanted.toLowerCase()) ?? list[0];
  const login = match?.authentication?.loginEndpoint;
  if (!match?.resourceManager || !login) return err(`metadata_host: ${url} does not describe a cloud (no resourceManager or authentication.loginEndpoint)`);
  const audience = trimSlash(match.authentication?.audiences?.[0] ?? match.resourceManager);
  return ok({ name: match.name ?? base, resourceManager: trimSlash(match.resourceManager), authorityHost: trimSlash(login), scope: `${audience}/.default` });
}

async function getJson(url: string, ca: string[] | undefined, signal?: AbortSignal): Promise<unknown> {
  const { request } = url.startsWith('https:') ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { ...(ca ? { ca } : {}), ...(signal ? { signal } : {}), timeout: 30_000 }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 400) return reject(new Error(`HTTP ${res.statusCode ?? ''}`));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error('the answer is not JSON'));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end();
  });
}

/** NODE_EXTRA_CA_CERTS of the build's environment, added to Node's roots (the app's builds do not start a new Node). */
function extraCa(env: Record<string, string | undefined>): Result<string[] | undefined> {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return ok(undefined);
  try {
    return ok([...rootCertificates, readFileSync(file, 'utf8')]);
  } catch (e) {
    return err(`NODE_EXTRA_CA_CERTS: cannot read ${file}: ${(e as Error).message}`);
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
