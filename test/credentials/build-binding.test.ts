/**
 * `bakehouse build -credential`: a docker credential from the vault bound to a real Docker build logs docker-push in to
 * a private docker-registry (htpasswd); a secret credential fills a sensitive variable. The password appears nowhere:
 * not on stdout or stderr, not in the run log, not in the argv of any process on the machine while the build runs
 * (/proc/*\/cmdline, which covers the build's children and Docker's own processes). Without the binding the same push
 * is refused, as it is today.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretForms } from '../../core/engine/mask';
import { BIN, runBakehouse } from '../cli/run-cli';
import { removeImages, requireDocker, TINY_IMAGE, uniqueName } from '../builders/docker/harness';
import { startRegistry, type Registry } from '../support/registry';
import { ensureTestUser, startSshd, TEST_USER } from '../support/sshd';

const PASSWORD = 'reg-Pw-77c1-binding';
const GREETING = 'greeting-secret-4d2a';
let registry: Registry;

before(async () => {
  requireDocker();
  registry = await startRegistry('baker', PASSWORD);
});
after(async () => registry?.stop());

interface BuildRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Every distinct command line seen on the machine while the build ran. */
  commandLines: Set<string>;
}

/** Runs the built CLI and, until it exits, reads every process's command line every 20 ms. */
async function buildWatchingArgv(args: string[], env: Record<string, string>): Promise<BuildRun> {
  const child = spawn(process.execPath, [BIN, 'build', ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const commandLines = new Set<string>();
  let running = true;
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => ((running = false), resolve(code ?? -1))));
  while (running) {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        commandLines.add(readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' '));
      } catch {
        // gone already
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { code: await exited, stdout, stderr, commandLines };
}

function template(dir: string, repo: string): string {
  const path = join(dir, 'push.pkr.hcl');
  writeFileSync(
    path,
    `variable "greeting" {
  type      = string
  sensitive = true
}

source "docker" "app" {
  image  = "${TINY_IMAGE}"
  pull   = false
  commit = true
}

build {
  sources = ["source.docker.app"]

  provisioner "shell" {
    inline = ["echo ${'$'}{var.greeting} > /greeting", "echo said ${'$'}{var.greeting}"]
  }

  post-processors {
    post-processor "docker-tag" {
      repository = "${repo}"
      tags       = ["v1"]
    }
    post-processor "docker-push" {}
  }
}
`,
  );
  return path;
}

function assertNoSecret(where: string, text: string): void {
  for (const secret of [PASSWORD, GREETING]) {
    for (const form of secretForms(secret)) assert.ok(!text.includes(form), `${where} holds a form of a secret ("${form}")`);
  }
}

test('a docker credential bound with -credential pushes to an htpasswd registry; no secret is shown, logged or on a command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-binding-'));
  const env = { BAKEHOUSE_DATA_DIR: join(dir, 'data'), BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: 'binding pass', TMPDIR: dir };
  const add = (kind: string, name: string, fields: object) => assert.equal(runBakehouse(['credentials', 'add', kind, name], { env, input: JSON.stringify(fields) }).code, 0);
  add('docker', 'reg', { login_server: registry.address, login_username: 'baker', login_password: PASSWORD });
  add('secret', 'hello', { value: GREETING });
  const name = `bake/${uniqueName('bound')}`;
  const repo = `${registry.address}/${name}`;
  const path = template(dir, repo);

  const run = await buildWatchingArgv(['-credential', 'docker.*=reg', '-credential', 'var.greeting=hello', path], env);
  try {
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /docker\.app \(docker-push\): Logging in\.\.\./);
    assert.match(run.stdout, /said <sensitive>/);
    const tags = await fetch(`http://${registry.address}/v2/${name}/tags/list`, { headers: { Authorization: `Basic ${Buffer.from(`baker:${PASSWORD}`).toString('base64')}` } });
    assert.deepEqual(await tags.json(), { name, tags: ['v1'] });

    assertNoSecret('stdout', run.stdout);
    assertNoSecret('stderr', run.stderr);
    const logs = readdirSync(join(dir, 'data', 'runs')).filter((f) => f.endsWith('.jsonl'));
    assert.equal(logs.length, 1);
    const log = readFileSync(join(dir, 'data', 'runs', logs[0]), 'utf8');
    assert.match(log, /<sensitive>/);
    assertNoSecret('the run log', log);
    assert.ok(run.commandLines.size > 10, `command lines were read while the build ran (${run.commandLines.size})`);
    for (const line of run.commandLines) assertNoSecret(`a command line (${line.slice(0, 80)})`, line);
  } finally {
    removeImages(`${repo}:v1`);
  }

  // The same build without the binding: the registry refuses the push, as it does today. (The variable still needs a value.)
  const unbound = spawnSync(process.execPath, [BIN, 'build', '-var', 'greeting=plain', path], { env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8' });
  try {
    assert.equal(unbound.status, 1, unbound.stdout);
    assert.match(unbound.stdout, /no basic auth credentials|unauthorized|authentication required/i);
  } finally {
    removeImages(`${repo}:v1`);
  }
});

test('-credential problems are reported before anything runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-binding-bad-'));
  const env = { BAKEHOUSE_DATA_DIR: join(dir, 'data'), BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: 'binding pass' };
  assert.equal(runBakehouse(['credentials', 'add', 'amazon', 'aws'], { env, input: '{"access_key":"AKIABIND","secret_key":"bind-secret"}' }).code, 0);
  assert.equal(runBakehouse(['credentials', 'add', 'docker', 'reg'], { env, input: '{"login_username":"u","login_password":"p-bind"}' }).code, 0);
  const path = template(dir, `${registry.address}/bake/never`);
  const build = (...args: string[]) => runBakehouse(['build', ...args, '-var', 'greeting=x', path], { env });
  assert.deepEqual(build('-credential', 'docker.*'), {
    code: 1,
    stdout: '',
    stderr: `bakehouse build: -credential "docker.*": write it as BUILDS=CREDENTIAL (e.g. 'amazon-ebs.*=prod') or var.NAME=CREDENTIAL\n`,
  });
  assert.deepEqual(build('-credential', 'amazon-ebs.*=reg'), { code: 1, stdout: '', stderr: `bakehouse build: -credential 'amazon-ebs.*=reg' matches no build of this run (its builds: docker.app)\n` });
  assert.deepEqual(build('-credential', 'docker.*=aws'), {
    code: 1,
    stdout: '',
    stderr: 'bakehouse build: credential "aws" (amazon) fits nothing in build docker.app (a docker builder): amazon credentials go to amazon-* builders, amazon-import and upload\n',
  });
  assert.deepEqual(build('-credential', 'docker.*=nope'), { code: 1, stdout: '', stderr: `bakehouse build: no credential named "nope" in ${join(dir, 'data', 'credentials.vault')}\n` });
  assert.deepEqual(build('-credential', 'var.greeting=reg'), {
    code: 1,
    stdout: '',
    stderr: 'bakehouse build: credential "reg" is docker, not a secret: only a secret credential gives a variable (var.greeting) its value\n',
  });
});

test('an ssh credential bound to a null build logs the SSH communicator in with its key; a key with a passphrase is refused', async () => {
  ensureTestUser();
  const sshd = await startSshd();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'bakehouse-binding-ssh-'));
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bound', '-f', join(dir, 'key')]);
    sshd.authorize(readFileSync(join(dir, 'key.pub'), 'utf8'));
    const env = { BAKEHOUSE_DATA_DIR: join(dir, 'data'), BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: 'binding pass' };
    const key = readFileSync(join(dir, 'key'), 'utf8');
    assert.equal(runBakehouse(['credentials', 'add', 'ssh', 'box'], { env, input: JSON.stringify({ ssh_username: TEST_USER, ssh_private_key: key }) }).code, 0);
    const locked = { ssh_username: TEST_USER, ssh_private_key: key, ssh_private_key_passphrase: 'key-Pass-91b3' };
    assert.equal(runBakehouse(['credentials', 'add', 'ssh', 'locked'], { env, input: JSON.stringify(locked) }).code, 0);
    const path = join(dir, 'ssh.pkr.hcl');
    writeFileSync(
      path,
      `source "null" "box" {\n  communicator = "ssh"\n  ssh_host     = "127.0.0.1"\n  ssh_port     = ${sshd.port}\n}\n\nbuild {\n  sources = ["source.null.box"]\n  provisioner "shell" {\n    inline = ["echo logged in as $(id -un)"]\n  }\n}\n`,
    );
    const run = await buildWatchingArgv(['-credential', 'null.box=box', path], env);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`null\\.box: logged in as ${TEST_USER}`));
    const keyLine = key.split('\n')[1];
    for (const line of run.commandLines) assert.ok(!line.includes(keyLine), `a command line holds the key: ${line}`);
    for (const text of [run.stdout, run.stderr, readFileSync(join(dir, 'data', 'runs', readdirSync(join(dir, 'data', 'runs'))[0]), 'utf8')]) {
      assert.ok(!text.includes(keyLine), 'no output holds the key');
    }
    assert.deepEqual(runBakehouse(['build', '-credential', 'null.box=locked', path], { env }), {
      code: 1,
      stdout: '',
      stderr: 'bakehouse build: credential "locked" (ssh) has a passphrase, which builds cannot use yet: store the key without one for building\n',
    });
    // Without the binding the template has no way to log in, as today.
    const unbound = runBakehouse(['build', path], { env });
    assert.equal(unbound.code, 1);
  } finally {
    await sshd.stop();
  }
});
