/**
 * SSM's GetParameter, the one Systems Manager call Bakehouse makes (the amazon-parameterstore data source), through
 * @aws-sdk/client-ssm with the region, credentials and endpoint client.ts gives every AWS client.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { err, ok, type Result } from '../../common/result';
import { awsErrorCode, describeAwsError, type AwsClientSetup } from './client';

export interface SsmParameter {
  value: string;
  version: number;
  arn: string;
}

/** GetParameter; an AWS error comes back as Packer words it (ParameterNotFound, ParameterVersionNotFound, the rest). */
export async function getParameter(setup: AwsClientSetup, name: string, withDecryption: boolean, signal?: AbortSignal): Promise<Result<SsmParameter, string>> {
  const client = new SSMClient({ region: setup.region, ...setup.options });
  try {
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: withDecryption }), signal ? { abortSignal: signal } : {});
    const p = out.Parameter ?? {};
    return ok({ value: p.Value ?? '', version: p.Version ?? 0, arn: p.ARN ?? '' });
  } catch (e) {
    const code = awsErrorCode(e);
    if (code === 'ParameterNotFound') return err(`The parameter name ${JSON.stringify(name)} not found`);
    if (code === 'ParameterVersionNotFound') return err(`The parameter version ${JSON.stringify(name)} not found`);
    return err(`error to get parameter value: ${JSON.stringify(describeAwsError(e, setup.credentialsFrom))}`);
  } finally {
    client.destroy();
  }
}
