/** amazon: STS GetCallerIdentity with the credential, at the endpoint the SDK resolves (AWS_ENDPOINT_URL works). */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsClientSettings, awsCredentialProvider } from '../aws-identity';
import type { Credential } from '../vault';
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions, type ProbeOutcome } from './outcome';

export async function probeAmazon(credential: Credential, opts: ProbeOptions): Promise<ProbeOutcome> {
  const settings = awsClientSettings(opts.env);
  const client = new STSClient({ ...settings, credentials: awsCredentialProvider(credential.fields, opts.env), maxAttempts: 1 });
  try {
    const answer = await client.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS) });
    return { ok: true, message: `AWS says this is ${answer.Arn ?? '?'} (account ${answer.Account ?? '?'})` };
  } catch (e) {
    const error = e as Error & { name?: string };
    // The SDK names a service error by its code (InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken, …).
    const code = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return { ok: false, message: `${code}${error.message}` };
  } finally {
    client.destroy();
  }
}
