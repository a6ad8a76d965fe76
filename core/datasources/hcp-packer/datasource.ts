/**
 * The HCP Packer data sources (hcp-packer-version, -artifact, -iteration, -image): read from HashiCorp's cloud registry.
 * Bakehouse does not talk to HCP, so running one is an error naming it; `validate` without -evaluate-datasources only
 * checks the config and leaves the output unknown, as Packer does.
 */
import { problem, type Check, type ConfigView } from '../../components/checks';
import { mapOf, objectOf, T_BOOL, T_NUMBER, T_STRING, type Type } from '../../template/values/type';
import { dataSourceSchema } from '../schema';
import type { DataSourceType } from '../types';

const HCP_UNSUPPORTED = 'HCP Packer is not supported by Bakehouse, and cannot be reached offline: this data source cannot run.';

const strings = (names: string[]): Record<string, Type> => Object.fromEntries(names.map((n) => [n, T_STRING]));

/** A Configure rule: the message when `broken(c)` holds, in Packer's wording (each type words its own). */
const rule =
  (message: string, broken: (c: ConfigView) => boolean): Check =>
  (c) =>
    broken(c) ? [problem(message)] : [];
const unset = (name: string) => (c: ConfigView) => !c.isSet(name);
/** Exactly one of two fields, for the types that find a version either way. */
const oneOf = (a: string, b: string, none: string, both: string): Check[] => [
  rule(none, (c) => !c.isSet(a) && !c.isSet(b)),
  rule(both, (c) => c.isSet(a) && c.isSet(b)),
];

function hcpDataSource(type: string, description: string, checks: Check[], output: Type): DataSourceType {
  return { schema: dataSourceSchema(type, description), checks, output, run: { kind: 'unavailable', severity: 'error', why: HCP_UNSUPPORTED } };
}

export const hcpPackerDataSources: DataSourceType[] = [
  hcpDataSource(
    'hcp-packer-version',
    'The version of an HCP Packer bucket a channel points to.',
    [rule('the `bucket_name` must be specified', unset('bucket_name')), rule('the `channel_name` must be specified', unset('channel_name'))],
    objectOf(strings(['author_id', 'bucket_name', 'status', 'created_at', 'fingerprint', 'id', 'name', 'updated_at', 'channel_id'])),
  ),
  hcpDataSource(
    'hcp-packer-artifact',
    'An artifact of an HCP Packer version, by platform and region.',
    [
      rule('the `bucket_name` must be specified', unset('bucket_name')),
      ...oneOf('version_fingerprint', 'channel_name', '`version_fingerprint` or `channel_name` must be specified', '`version_fingerprint` and `channel_name` cannot be specified together'),
      rule('the `region` must be specified', unset('region')),
      rule('the `platform` must be specified', unset('platform')),
    ],
    objectOf({
      ...strings(['platform', 'component_type', 'created_at', 'build_id', 'version_id', 'channel_id', 'packer_run_uuid', 'external_identifier', 'region']),
      labels: mapOf(T_STRING),
    }),
  ),
  hcpDataSource(
    'hcp-packer-iteration',
    'The iteration of an HCP Packer bucket a channel points to (deprecated: use hcp-packer-version).',
    [rule('The `bucket_name` must be specified', unset('bucket_name')), rule('`channel` is currently a required field.', unset('channel'))],
    objectOf({ ...strings(['author_id', 'bucket_name', 'created_at', 'fingerprint', 'id', 'updated_at', 'channel_id']), complete: T_BOOL, incremental_version: T_NUMBER }),
  ),
  hcpDataSource(
    'hcp-packer-image',
    'An image of an HCP Packer iteration (deprecated: use hcp-packer-artifact).',
    [
      rule('The `bucket_name` must be specified', unset('bucket_name')),
      ...oneOf('iteration_id', 'channel', 'The `iteration_id` or `channel` must be specified.', '`iteration_id` and `channel` cannot both be specified.'),
      rule('`region` is currently a required field.', unset('region')),
      rule('`cloud_provider` is currently a required field.', unset('cloud_provider')),
    ],
    objectOf({ ...strings(['cloud_provider', 'component_type', 'created_at', 'build_id', 'iteration_id', 'channel_id', 'packer_run_uuid', 'id', 'region']), labels: mapOf(T_STRING) }),
  ),
];
