/**
 * moto's server checking signatures against its own IAM: the first three calls (unauthenticated) make a user, give it an
 * allow-all policy and an access key; every call after that needs a real key of that IAM. Driven with boto3 from the venv
 * moto comes in, so the set-up does not go through the code under test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PYTHON_VENV, venvTool } from '../support/python-venv';
import { freePort } from '../support/sshd';

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
  const bin = venvTool('moto_server');
  if (!bin) throw new Error('moto_server is not installed: run .ci/python-venv.sh');
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: '3' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${log}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() - started > 30_000) throw new Error(`moto_server did not listen within 30 s: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const key = JSON.parse(execFileSync(join(PYTHON_VENV, 'bin', 'python'), ['-c', SETUP, endpoint], { encoding: 'utf8' })) as { id: string; secret: string };
  return {
    endpoint,
    accessKey: key.id,
    secretKey: key.secret,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
