/** Functions that read secrets from remote services; Bakehouse cannot reach them yet, so each says so. */
import { T_STRING } from '../values/type';
import { FunctionError, type FunctionDef } from './define';

const unavailable = (name: string, signature: string, params: string[], service: string, description: string): FunctionDef => ({
  name,
  signature,
  description,
  params: params.map((p) => ({ name: p, type: T_STRING })),
  returns: T_STRING,
  call: () => {
    throw new FunctionError(`${name} is not available in Bakehouse yet: it needs ${service}`);
  },
});

export const remoteFunctions: FunctionDef[] = [
  unavailable(
    'aws_secretsmanager',
    'aws_secretsmanager(name, key)',
    ['name', 'key'],
    'AWS Secrets Manager',
    'Retrieves a secret from AWS Secrets Manager by name; key selects one entry of a JSON secret.',
  ),
  unavailable('consul_key', 'consul_key(key)', ['key'], 'a Consul agent', 'Retrieves a value from the Consul key-value store.'),
  unavailable('vault', 'vault(path, key)', ['path', 'key'], 'a HashiCorp Vault server', 'Retrieves a secret from HashiCorp Vault.'),
];
