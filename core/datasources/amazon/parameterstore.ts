/** Running amazon-parameterstore: one GetParameter (core/cloud/aws/ssm.ts) with the builder's credentials and region. */
import { err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { readAccessSettings } from '../../cloud/aws/access';
import { awsClientSetup } from '../../cloud/aws/client';
import { getParameter } from '../../cloud/aws/ssm';
import type { ComponentConfig } from '../../template/model';
import { object, str } from '../../template/values/value';
import type { DataSourceOutput } from '../types';

export async function runAmazonParameterStore(
  config: ComponentConfig,
  signal: AbortSignal | undefined,
  env: Record<string, string | undefined>,
): Promise<Result<DataSourceOutput, string>> {
  const f = new ConfigFields(config, 'amazon-parameterstore');
  const access = readAccessSettings(f);
  const name = f.string('name');
  const withDecryption = f.bool('with_decryption');
  if (f.errors.length > 0) return err(f.errors.join('; '));
  const setup = await awsClientSetup(access, env, 'ssm');
  if (!setup.ok) return setup;
  const got = await getParameter(setup.value, name, withDecryption, signal);
  if (!got.ok) return got;
  // Packer prints the version as a decimal string.
  return ok({ value: object({ value: str(got.value.value), version: str(String(got.value.version)), arn: str(got.value.arn) }), warnings: [] });
}
