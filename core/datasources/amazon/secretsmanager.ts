/**
 * Running amazon-secretsmanager: one GetSecretValue (core/cloud/aws/secrets-manager.ts) with the builder's credentials
 * and region, and the plugin's reading of the secret: `value` is the string itself, or — when the secret is JSON — the
 * value under `key` (the first value without one; '' for a key it does not hold). Unlike Packer, the secret's outputs
 * carry the sensitive mark, so whatever is computed from them is masked in every event and log.
 */
import { err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { readAccessSettings } from '../../cloud/aws/access';
import { awsClientSetup } from '../../cloud/aws/client';
import { getSecretValue } from '../../cloud/aws/secrets-manager';
import type { ComponentConfig } from '../../template/model';
import { markSensitive, object, str } from '../../template/values/value';
import type { DataSourceOutput } from '../types';

/** Packer's default stage: the secret's current version. */
const DEFAULT_STAGE = 'AWSCURRENT';

export async function runAmazonSecretsManager(
  config: ComponentConfig,
  signal: AbortSignal | undefined,
  env: Record<string, string | undefined>,
): Promise<Result<DataSourceOutput, string>> {
  const f = new ConfigFields(config, 'amazon-secretsmanager');
  const access = readAccessSettings(f);
  const name = f.string('name');
  const key = f.string('key');
  const choice = { versionId: f.string('version_id'), versionStage: f.string('version_stage') || DEFAULT_STAGE };
  if (f.errors.length > 0) return err(f.errors.join('; '));
  const setup = await awsClientSetup(access, env, 'secrets-manager');
  if (!setup.ok) return setup;
  const got = await getSecretValue(setup.value, name, choice, signal);
  if (!got.ok) return got;
  const value = valueOf(got.value.secretString, key);
  if (!value.ok) return err(`error to get secret value: ${JSON.stringify(value.error)}`);
  const secret = (text: string) => markSensitive(str(text));
  return ok({
    value: object({
      value: secret(value.value),
      secret_string: secret(got.value.secretString),
      secret_binary: secret(got.value.secretBinary ? Buffer.from(got.value.secretBinary).toString('utf8') : ''),
      version_id: str(got.value.versionId),
    }),
    warnings: [],
  });
}

/** The plugin's getSecretValue: plain text as is; a JSON object's value under `key`, or its first value without one. */
export function valueOf(secretString: string, key: string): Result<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return ok(secretString);
  }
  // JSON null leaves Go's map empty, so no key is found.
  if (parsed === null) return ok('');
  // Go's json.Unmarshal into a map refuses any other JSON but an object, in these words.
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    const what = Array.isArray(parsed) ? 'array' : typeof parsed === 'boolean' ? 'bool' : typeof parsed;
    return err(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  const entries = parsed as Record<string, unknown>;
  if (key === '') {
    const first = Object.values(entries)[0];
    return first === undefined ? ok('') : stringOf(first);
  }
  return Object.hasOwn(entries, key) ? stringOf(entries[key]) : ok('');
}

/** Strings as they are, numbers without their fraction (Go's FormatFloat 'f' with precision 0); nothing else. */
function stringOf(v: unknown): Result<string> {
  if (typeof v === 'string') return ok(v);
  if (typeof v === 'number') return ok(v.toFixed(0));
  const goType = v === null ? '<nil>' : Array.isArray(v) ? '[]interface {}' : typeof v === 'boolean' ? 'bool' : 'map[string]interface {}';
  return err(`Unsupported secret value type: ${goType}`);
}
