/**
 * `bakehouse credentials test NAME` and the app's Test button: asks the credential's provider whether it works (AWS STS
 * GetCallerIdentity, a registry's /v2/, an SSH login, a token from Azure AD or Google's token URI) and returns what the
 * provider said. The result is what the vault keeps as the entry's `lastTest`; its message never holds one of the
 * credential's secrets (it is masked in every encoding the run masker knows, in case a provider echoes one back).
 */
import type { CredentialTestResult } from '../../common/credentials';
import { createMasker } from '../../engine/mask';
import { secretValues } from '../schema';
import type { Credential } from '../vault';
import { probeAmazon } from './amazon';
import { probeAzure } from './azure';
import { probeDocker } from './docker';
import { probeGoogle } from './google';
import type { ProbeOptions, ProbeOutcome } from './outcome';
import { probeSsh } from './ssh';

export type { ProbeOptions as CredentialTestOptions } from './outcome';

const PROBES: Record<Credential['kind'], (c: Credential, o: ProbeOptions) => Promise<ProbeOutcome>> = {
  amazon: probeAmazon,
  docker: probeDocker,
  ssh: probeSsh,
  azure: probeAzure,
  google: probeGoogle,
  secret: async () => ({ ok: false, message: 'a secret is a value for a variable: there is no provider to test it against' }),
};

/** Tests `credential` against its provider; never throws (a provider's exception is its reason). */
export async function testCredential(credential: Credential, opts: ProbeOptions): Promise<CredentialTestResult> {
  const at = new Date().toISOString();
  let outcome: ProbeOutcome;
  try {
    outcome = await PROBES[credential.kind](credential, opts);
  } catch (e) {
    outcome = { ok: false, message: (e as Error).message || String(e) };
  }
  const masker = createMasker(secretValues(credential.kind, credential.fields));
  return { at, ok: outcome.ok, message: masker.text(outcome.message) };
}
