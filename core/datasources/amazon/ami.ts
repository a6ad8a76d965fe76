/** Running amazon-ami: Packer's GetFilteredImage (core/cloud/aws/ami-filter.ts) through an EC2 client made as the builder's is. */
import { err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { readAccessSettings } from '../../cloud/aws/access';
import { filteredImage } from '../../cloud/aws/ami-filter';
import { awsClientSetup } from '../../cloud/aws/client';
import type { ComponentConfig } from '../../template/model';
import { T_STRING } from '../../template/values/type';
import { map, object, str } from '../../template/values/value';
import type { DataSourceOutput } from '../types';

export async function runAmazonAmi(config: ComponentConfig, signal: AbortSignal | undefined, env: Record<string, string | undefined>): Promise<Result<DataSourceOutput, string>> {
  const f = new ConfigFields(config, 'amazon-ami');
  const access = readAccessSettings(f);
  const filters = Object.fromEntries(Object.entries(f.object('filters') ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const filter = { filters, owners: f.stringList('owners'), mostRecent: f.bool('most_recent'), includeDeprecated: f.bool('include_deprecated') };
  if (f.errors.length > 0) return err(f.errors.join('; '));
  const setup = await awsClientSetup(access, env, 'ec2');
  if (!setup.ok) return setup;
  const sdk = await import('@aws-sdk/client-ec2');
  const client = new sdk.EC2Client({ ...setup.value.options, region: setup.value.region });
  try {
    const found = await filteredImage(sdk, client, filter, setup.value.credentialsFrom, signal);
    if (!found.ok) return found;
    const image = found.value;
    const tags = Object.fromEntries((image.Tags ?? []).map((t) => [t.Key ?? '', str(t.Value ?? '')]));
    const value = object({
      id: str(image.ImageId ?? ''),
      name: str(image.Name ?? ''),
      creation_date: str(image.CreationDate ?? ''),
      owner: str(image.OwnerId ?? ''),
      owner_name: str(image.ImageOwnerAlias ?? ''),
      tags: map(T_STRING, tags),
    });
    return ok({ value, warnings: [] });
  } finally {
    client.destroy();
  }
}
