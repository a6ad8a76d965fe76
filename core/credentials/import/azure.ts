/**
 * The JSON `az ad sp create-for-rbac` prints (PATH, required: {appId, displayName, password, tenant}): an azure
 * credential for that service principal. The output names no subscription: it is AZURE_SUBSCRIPTION_ID, or the Azure
 * CLI's default subscription (~/.azure/azureProfile.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from '../../common/result';
import { importName, type ImportFindings } from './candidate';

interface ServicePrincipal {
  appId?: string;
  displayName?: string;
  password?: string;
  tenant?: string;
}

export function importAzure(path: string | undefined, env: Record<string, string | undefined>): Result<ImportFindings, string> {
  if (!path) return err('import azure takes the JSON `az ad sp create-for-rbac` printed: bakehouse credentials import azure SP.json');
  let sp: ServicePrincipal;
  try {
    sp = JSON.parse(readFileSync(path, 'utf8')) as ServicePrincipal;
  } catch (e) {
    return err(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON: ${(e as Error).message}`}`);
  }
  if (!sp.appId || !sp.password || !sp.tenant) return err(`${path}: not the output of az ad sp create-for-rbac (it needs appId, password and tenant)`);
  const subscription = env.AZURE_SUBSCRIPTION_ID || defaultSubscription(env);
  if (!subscription) {
    return err(`${path} names no subscription, and neither AZURE_SUBSCRIPTION_ID nor the Azure CLI's default subscription (~/.azure/azureProfile.json) gives one: set AZURE_SUBSCRIPTION_ID`);
  }
  return ok({
    found: [
      {
        name: importName(sp.displayName ?? sp.appId),
        kind: 'azure',
        fields: { tenant_id: sp.tenant, client_id: sp.appId, client_secret: sp.password, subscription_id: subscription },
        origin: `${path}: service principal ${sp.displayName ?? sp.appId} in subscription ${subscription}`,
      },
    ],
    skipped: [],
  });
}

function defaultSubscription(env: Record<string, string | undefined>): string | undefined {
  const file = join(env.AZURE_CONFIG_DIR || join(env.HOME || homedir(), '.azure'), 'azureProfile.json');
  if (!existsSync(file)) return undefined;
  try {
    // The Azure CLI writes this file with a byte-order mark.
    const profile = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as { subscriptions?: Array<{ id?: string; isDefault?: boolean }> };
    return profile.subscriptions?.find((s) => s.isDefault)?.id;
  } catch {
    return undefined;
  }
}
