/**
 * The Amazon plugin's data sources (amazon-ami, amazon-parameterstore, amazon-secretsmanager, packer-plugin-amazon v1.3.4).
 * Their Configure rules are checked here; running them needs an AWS client, which the AWS data sources (issue 12) bring:
 * until then a run leaves their output unknown with a warning saying so, rather than pretending. That issue plugs a
 * client in by giving these types an `io` run (see ../types.ts); the AccessConfig checks (credentials, region) come with it.
 */
import { problem, type Check } from '../../components/checks';
import { mapOf, objectOf, T_STRING, type Type } from '../../template/values/type';
import { dataSourceSchema } from '../schema';
import type { DataSourceType } from '../types';

const NOT_RUN_YET = 'not run yet: needs the AWS data sources (issue 12), so its output is unknown.';

const strings = (names: string[]): Record<string, Type> => Object.fromEntries(names.map((n) => [n, T_STRING]));

const nameRequired: Check = (c) => (c.isSet('name') ? [] : [problem("a 'name' must be provided")]);

function amazonDataSource(type: string, description: string, checks: Check[], output: Type): DataSourceType {
  return { schema: dataSourceSchema(type, description), checks, output, run: { kind: 'unavailable', severity: 'warning', why: NOT_RUN_YET } };
}

export const amazonDataSources: DataSourceType[] = [
  amazonDataSource(
    'amazon-ami',
    'The newest AMI matching the filters and owners.',
    [
      (c) => (c.isSet('owners') || c.isSet('filters') ? [] : [problem('The `filters` must be specified')]),
      (c) => (c.isSet('owners') ? [] : [problem('For security reasons, you must declare an owner.')]),
    ],
    objectOf({ ...strings(['id', 'name', 'creation_date', 'owner', 'owner_name']), tags: mapOf(T_STRING) }),
  ),
  amazonDataSource('amazon-parameterstore', 'A parameter of AWS Systems Manager Parameter Store.', [nameRequired], objectOf(strings(['value', 'version', 'arn']))),
  amazonDataSource(
    'amazon-secretsmanager',
    'A secret of AWS Secrets Manager, or one key of it.',
    [nameRequired],
    objectOf(strings(['value', 'secret_string', 'secret_binary', 'version_id'])),
  ),
];
