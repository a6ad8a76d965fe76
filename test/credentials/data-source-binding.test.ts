/**
 * `-credential 'data.amazon-ami.*=NAME'`: an amazon credential from the vault bound to the template's amazon-ami data
 * source, which runs while the template loads. Against moto checking signatures against its own IAM: with the binding the
 * data source finds the AMI (the build prints its id); without it the environment's wrong key is refused, naming where it
 * came from; a binding that reaches no data source is an error before anything runs. The secret shows nowhere.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretForms } from '../../core/engine/mask';
import { runBakehouse } from '../cli/run-cli';
import { startMotoWithIam, type MotoIam } from './moto-iam';

let moto: MotoIam;

before(async () => {
  moto = await startMotoWithIam();
});
after(async () => moto?.stop());

function template(dir: string): string {
  const path = join(dir, 'ami.pkr.hcl');
  writeFileSync(
    path,
    `data "amazon-ami" "ubuntu" {
  region              = "us-west-2"
  custom_endpoint_ec2 = "${moto.endpoint}"
  owners              = ["099720109477"]
  most_recent         = true
  filters = {
    name = "ubuntu/images/hvm-ssd/ubuntu-bionic-18.04-amd64-server-*"
  }
}

source "null" "x" {
  communicator = "none"
}

build {
  sources = ["source.null.x"]
  provisioner "shell-local" {
    inline = ["echo found \${data.amazon-ami.ubuntu.id}"]
  }
}
`,
  );
  return path;
}

test('an amazon credential bound to an amazon-ami data source is what it runs with; a binding that reaches none is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-data-binding-'));
  const env = {
    BAKEHOUSE_DATA_DIR: join(dir, 'data'),
    BAKEHOUSE_VAULT_KEYRING: '0',
    BAKEHOUSE_VAULT_PASSPHRASE: 'data pass',
    AWS_ACCESS_KEY_ID: 'AKIAWRONGWRONGWRONG1',
    AWS_SECRET_ACCESS_KEY: 'wrong-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  assert.equal(runBakehouse(['credentials', 'add', 'amazon', 'prod'], { env, input: JSON.stringify({ access_key: moto.accessKey, secret_key: moto.secretKey }) }).code, 0);
  const path = template(dir);

  const bound = runBakehouse(['build', '-credential', 'data.amazon-ami.*=prod', path], { env });
  assert.equal(bound.code, 0, bound.stdout + bound.stderr);
  assert.match(bound.stdout, /found ami-[0-9a-f]+/);
  for (const form of secretForms(moto.secretKey)) assert.ok(!(bound.stdout + bound.stderr).includes(form), 'the secret key is not shown');

  const unbound = runBakehouse(['build', path], { env });
  assert.equal(unbound.code, 1, unbound.stdout);
  assert.match(unbound.stderr + unbound.stdout, /refused the credentials from the environment/);

  const typo = runBakehouse(['build', '-credential', 'data.amazon-amy.*=prod', path], { env });
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /-credential 'data\.amazon-amy\.\*=prod' matches no data source of this template \(its data sources: data\.amazon-ami\.ubuntu\)/);
});
