/**
 * Secrets Manager's GetSecretValue, the one call the amazon-secretsmanager data source makes, through
 * @aws-sdk/client-secrets-manager with the region, credentials and endpoint client.ts gives every AWS client; its errors
 * in the plugin's words.
 */
import { err, ok, type Result } from '../../common/result';
import { awsErrorCode, describeAwsError, type AwsClientSetup } from './client';

export interface SecretVersion {
  /** '' when the secret holds binary data. */
  secretString: string;
  /** The secret's bytes when it was stored as binary (the SDK has decoded them from base64). */
  secretBinary: Uint8Array | undefined;
  versionId: string;
}

/** Which version: `versionId` when given (it overrides the stage), else the version carrying `versionStage`. */
export interface SecretVersionChoice {
  versionId: string;
  versionStage: string;
}

export async function getSecretValue(setup: AwsClientSetup, name: string, choice: SecretVersionChoice, signal?: AbortSignal): Promise<Result<SecretVersion, string>> {
  // Loaded on first use, so a template without this data source never loads the SDK's Secrets Manager client.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region: setup.region, ...setup.options });
  const version = choice.versionId || choice.versionStage;
  const input = { SecretId: name, ...(choice.versionId ? { VersionId: choice.versionId } : { VersionStage: choice.versionStage }) };
  try {
    const out = await client.send(new GetSecretValueCommand(input), signal ? { abortSignal: signal } : {});
    return ok({ secretString: out.SecretString ?? '', secretBinary: out.SecretBinary, versionId: out.VersionId ?? '' });
  } catch (e) {
    const code = awsErrorCode(e);
    const deleted = code === 'InvalidRequestException' && /because it was deleted/.test(e instanceof Error ? e.message : '');
    if (code === 'ResourceNotFoundException' || deleted) return err(`Secrets Manager Secret ${JSON.stringify(name)} Version ${JSON.stringify(version)} not found`);
    return err(`error reading Secrets Manager Secret Version: ${describeAwsError(e, setup.credentialsFrom)}`);
  } finally {
    client.destroy();
  }
}
