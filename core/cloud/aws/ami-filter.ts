/**
 * Packer's AmiFilterOptions.GetFilteredImage: the one image that filters and owners find, or the newest of them with
 * most_recent, in Packer's errors. The amazon-ami data source uses it; its wording is the amazon-ebs builder's too.
 */
import type { EC2Client, Image } from '@aws-sdk/client-ec2';
import { err, ok, type Result } from '../../common/result';
import { describeAwsError } from './client';

export interface AmiFilter {
  filters: Record<string, string>;
  owners: string[];
  mostRecent: boolean;
  includeDeprecated: boolean;
}

export const MORE_THAN_ONE_AMI = 'Your query returned more than one result. Please try a more specific search, or set most_recent to true.';

export async function filteredImage(
  sdk: typeof import('@aws-sdk/client-ec2'),
  client: EC2Client,
  filter: AmiFilter,
  credentialsFrom: string,
  signal?: AbortSignal,
): Promise<Result<Image, string>> {
  const input = {
    ...(filter.owners.length > 0 ? { Owners: filter.owners } : {}),
    ...(Object.keys(filter.filters).length > 0 ? { Filters: Object.entries(filter.filters).map(([Name, v]) => ({ Name, Values: [v] })) } : {}),
    IncludeDeprecated: filter.includeDeprecated,
  };
  let images: Image[];
  try {
    images = (await client.send(new sdk.DescribeImagesCommand(input), signal ? { abortSignal: signal } : {})).Images ?? [];
  } catch (e) {
    return err(`Error querying AMI: ${describeAwsError(e, credentialsFrom)}`);
  }
  if (images.length === 0) return err(`No AMI was found matching filters: ${JSON.stringify(input)}`);
  if (images.length > 1 && !filter.mostRecent) return err(MORE_THAN_ONE_AMI);
  // Packer's mostRecentAmi: the latest CreationDate (ISO 8601, so text order is time order).
  return ok([...images].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0] as Image);
}
