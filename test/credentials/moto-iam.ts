/**
 * moto's server checking signatures against its own IAM: the first three calls (unauthenticated) make a user, give it an
 * allow-all policy and an access key; every call after that needs a real key of that IAM. Driven with boto3 from the venv
 * moto comes in, so the set-up does not go through the code under test.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startMoto } from '../support/moto';
import { PYTHON_VENV } from '../support/python-venv';

export interface MotoIam {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

const SETUP = `
import boto3, json, sys
iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='AKIASETUP', aws_secret_access_key='setup')
iam.create_user(UserName='baker')
iam.put_user_policy(UserName='baker', PolicyName='all', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}))
key = iam.create_access_key(UserName='baker')['AccessKey']
print(json.dumps({'id': key['AccessKeyId'], 'secret': key['SecretAccessKey']}))
`;

export async function startMotoWithIam(): Promise<MotoIam> {
  // The first three calls (SETUP's) go unauthenticated; every one after needs a key of moto's IAM.
  const moto = await startMoto({ unauthenticatedCalls: 3 });
  try {
    const key = JSON.parse(execFileSync(join(PYTHON_VENV, 'bin', 'python'), ['-c', SETUP, moto.endpoint], { encoding: 'utf8' })) as { id: string; secret: string };
    return { endpoint: moto.endpoint, accessKey: key.id, secretKey: key.secret, stop: () => moto.stop() };
  } catch (e) {
    await moto.stop();
    throw e;
  }
}
