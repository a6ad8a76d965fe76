/**
 * The Amazon plugin's data sources (amazon-ami, amazon-parameterstore, amazon-secretsmanager, packer-plugin-amazon v1.3.4).
 * Their Configure rules are checked here. Each runs (`io`: ami.ts, parameterstore.ts, secretsmanager.ts) with the
 * amazon-ebs builder's AccessConfig, credentials and endpoint (core/cloud/aws/).
 */
import { problem, type Check } from '../../components/checks';
import { mapOf, objectOf, T_STRING, type Type } from '../../template/values/type';
import { dataSourceSchema } from '../schema';
import type { DataSourceRun, DataSourceType } from '../types';
import { runAmazonAmi } from './ami';
import { runAmazonParameterStore } from './parameterstore';
import { runAmazonSecretsManager } from './secretsmanager';

const strings = (names: string[]): Record<string, Type> => Object.fromEntries(names.map((n) => [n, T_STRING]));

const nameRequired: Check = (c) => (c.isSet('name') ? [] : [problem("a 'name' must be provided")]);

function amazonDataSource(type: string, description: string, checks: Check[], output: Type, run: DataSourceRun): DataSourceType {
  return { schema: dataSourceSchema(type, description), checks, output, run };
}

export const amazonDataSources: DataSourceType[] = [
  amazonDataSource(
    'amazon-ami',
    'The newest AMI matching the filters and owners.',
    [
      (c) => (c.isSet('owners') || c.isSet('filters') ? [] : [problem('The `filters` must be specified')]),
      (c) => (c.isSet('owners') ? [] : [problem('For security reasons, you must declare an owner.')]),
    ],
    // Packer's DatasourceOutput in v1.3.4, the plugin Packer 1.14 installs here (and still its main branch).
    objectOf({ ...strings(['id', 'name', 'creation_date', 'owner', 'owner_name']), tags: mapOf(T_STRING) }),
    { kind: 'io', run: runAmazonAmi },
  ),
  amazonDataSource('amazon-parameterstore', 'A parameter of AWS Systems Manager Parameter Store.', [nameRequired], objectOf(strings(['value', 'version', 'arn'])), {
    kind: 'io',
    run: runAmazonParameterStore,
  }),
  amazonDataSource(
    'amazon-secretsmanager',
    'A secret of AWS Secrets Manager, or one key of it.',
    [nameRequired],
    objectOf(strings(['value', 'secret_string', 'secret_binary', 'version_id'])),
    { kind: 'io', run: runAmazonSecretsManager },
  ),
];
