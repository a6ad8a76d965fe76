/**
 * puppet-masterless against the real `puppet apply` of this host, reached through a real sshd as root (the null
 * builder with the SSH communicator): what Puppet writes is read back from the disk.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import type { Plain } from '../../../core/template/values/value';
import { build, collect, config, provisioner, tempDir, texts } from '../../engine/helpers';
import { makeKey, startSshd, type Sshd } from '../../support/sshd';

const FIXTURES = resolve(__dirname, '../../fixtures/puppet');
let sshd: Sshd;
let dir: string;
let keyFile: string;
let sawRunning = false;

/** Puppet must be here for these tests; in CI its absence is a failure. */
function requirePuppet(): boolean {
  if (spawnSync('puppet', ['--version']).status === 0) return true;
  assert.ok(!process.env.CI, 'puppet is not installed on this host (apt-get install puppet)');
  return false;
}

before(async () => {
  sshd = await startSshd();
  dir = tempDir('bakehouse-puppet-test-');
  const key = makeKey(dir);
  keyFile = key.file;
  sshd.authorize(key.publicKey);
  mkdirData();
});

after(async () => {
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Hiera data lives beside the test (this host is the machine), so the uploaded hiera.yaml can point at it. */
function mkdirData(): void {
  execFileSync('mkdir', ['-p', join(dir, 'hieradata')]);
  writeFileSync(join(dir, 'hieradata', 'common.yaml'), 'greeting: hello from hiera\n');
  writeFileSync(join(dir, 'hiera.yaml'), `version: 5\ndefaults:\n  datadir: ${join(dir, 'hieradata')}\n  data_hash: yaml_data\nhierarchy:\n  - name: common\n    path: common.yaml\n`);
}

/** Waits for processes matching `pattern` to end; returns the last pgrep (status 1: none left). */
async function goneWithin(pattern: string, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    const r = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' });
    if (r.status !== 0 || Date.now() > until) return r;
    await new Promise((res) => setTimeout(res, 250));
  }
}

function run(fields: Record<string, Plain>, opts: { sensitiveStrings?: string[]; cancelOn?: RegExp; timeout?: string } = {}) {
  return collect(
    {
      builds: [
        build('puppet', {
          builder: config({ communicator: 'ssh', ssh_host: '127.0.0.1', ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: keyFile }),
          provisioners: [provisioner('puppet-masterless', { prevent_sudo: true, ...fields }, opts.timeout ? { timeout: opts.timeout } : {})],
        }),
      ],
      registry: builtinPlugins(),
      cwd: FIXTURES,
      sensitiveStrings: opts.sensitiveStrings,
    },
    (e, r) => {
      if (opts.cancelOn && e.kind === 'message' && opts.cancelOn.test(e.text)) {
        // Cancel once the remote command is really running (Puppet compiles for a few seconds first).
        const poll = setInterval(() => {
          if (spawnSync('pgrep', ['-f', 'sleep 97.31']).status !== 0) return;
          clearInterval(poll);
          sawRunning = true;
          r.cancel();
        }, 200);
      }
    },
  );
}

test('puppet apply runs the uploaded manifest with modules, Hiera and facts; 2 (changes) and 0 (no changes) both succeed', async (t) => {
  if (!requirePuppet()) return t.skip('puppet is not installed on this host');
  const out = join(dir, 'out.txt');
  const staging = join(dir, 'staging');
  const fields = {
    manifest_file: 'manifests/site.pp',
    module_paths: ['modules'],
    hiera_config_path: join(dir, 'hiera.yaml'),
    facter: { out },
    extra_arguments: ['--verbose'],
    staging_directory: staging,
  };
  const first = await run(fields);
  const lines = texts(first.events);
  assert.deepEqual(first.summary.builds.map((b) => b.result), ['succeeded'], lines.join('\n'));
  assert.equal(readFileSync(out, 'utf8'), 'greeting=hello from hiera build=puppet builder=null\n');
  const cmd = lines.find((l) => l.startsWith('Running Puppet: '));
  assert.equal(
    cmd,
    `Running Puppet: cd ${staging} && FACTER_packer_build_name='puppet' FACTER_packer_builder_type='null' FACTER_out='${out}' ` +
      `puppet apply --detailed-exitcodes --modulepath='${staging}/module-0' --hiera_config='${staging}/hiera.yaml' --verbose ${staging}/manifests/site.pp`,
  );
  // Staging stays unless clean_staging_directory.
  assert.ok(existsSync(join(staging, 'module-0', 'hello', 'manifests', 'init.pp')));
  assert.ok(existsSync(join(staging, 'hiera.yaml')));

  // Nothing left to change: exit 0; the staging folder goes when asked.
  const second = await run({ ...fields, clean_staging_directory: true });
  assert.deepEqual(second.summary.builds.map((b) => b.result), ['succeeded'], texts(second.events).join('\n'));
  assert.ok(!existsSync(staging), 'clean_staging_directory removes the staging folder');
});

test('a manifest folder, working_directory and a custom execute_command with PuppetBinDir and Sudo', async (t) => {
  if (!requirePuppet()) return t.skip('puppet is not installed on this host');
  const staging = join(dir, 'staging-dir');
  const r = await run({
    manifest_file: 'failing',
    staging_directory: staging,
    working_directory: '/tmp',
    puppet_bin_dir: '/usr/bin',
    execute_command: 'cd {{.WorkingDir}} && echo "sudo={{.Sudo}} bin={{.PuppetBinDir}} manifest={{.ManifestFile}} pwd=$(pwd)"',
  });
  const lines = texts(r.events);
  assert.deepEqual(r.summary.builds.map((b) => b.result), ['succeeded'], lines.join('\n'));
  assert.ok(lines.includes(`sudo=false bin=/usr/bin manifest=${staging}/manifests pwd=/tmp`), lines.join('\n'));
  assert.ok(existsSync(join(staging, 'manifests', 'fail.pp')));
});

test('a failing manifest fails the build with Packer\'s message, unless ignore_exit_codes', async (t) => {
  if (!requirePuppet()) return t.skip('puppet is not installed on this host');
  const failed = await run({ manifest_file: 'failing/fail.pp', staging_directory: join(dir, 'staging-fail') });
  assert.deepEqual(failed.summary.builds.map((b) => b.result), ['failed']);
  assert.match(failed.summary.builds[0].error ?? '', /Puppet exited with a non-zero exit status: 1/);
  assert.ok(texts(failed.events).some((l) => l.includes('broken on purpose')), 'Puppet\'s own error is shown');
  const ignored = await run({ manifest_file: 'failing/fail.pp', staging_directory: join(dir, 'staging-fail'), ignore_exit_codes: true });
  assert.deepEqual(ignored.summary.builds.map((b) => b.result), ['succeeded']);
});

test('a secret in extra_arguments is masked in the logged command', async (t) => {
  if (!requirePuppet()) return t.skip('puppet is not installed on this host');
  const secret = 'pw-Xy7-secret';
  const r = await run(
    { manifest_file: 'failing/fail.pp', staging_directory: join(dir, 'staging-secret'), extra_arguments: [`--tags=${secret}`], ignore_exit_codes: true },
    { sensitiveStrings: [secret] },
  );
  const lines = texts(r.events);
  assert.deepEqual(r.summary.builds.map((b) => b.result), ['succeeded'], lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('Running Puppet: ') && l.includes('--tags=<sensitive> ')), lines.join('\n'));
  assert.ok(!JSON.stringify(r.events).includes(secret));
});

test('cancelling the build stops puppet apply on the machine', async (t) => {
  if (!requirePuppet()) return t.skip('puppet is not installed on this host');
  const started = Date.now();
  const r = await run({ manifest_file: 'sleeping.pp', staging_directory: join(dir, 'staging-cancel') }, { cancelOn: /^Running Puppet: / });
  assert.ok(sawRunning, 'the sleep started on the machine before the cancel');
  assert.equal(r.summary.cancelled, true);
  assert.ok(Date.now() - started < 60_000, 'the run ended long before the sleep would have');
  const left = await goneWithin('staging-cancel/manifests/sleeping.pp', 10_000);
  // Puppet starts each exec in a session of its own (setsid), so the sleep outlives Puppet as it would under Packer: end it here.
  const sleeper = spawnSync('pgrep', ['-f', 'sleep 97.31'], { encoding: 'utf8' }).stdout.trim();
  for (const pid of sleeper.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
  assert.notEqual(left.status, 0, `puppet apply is still running: ${left.stdout}`);
});

test('the provisioner timeout ends puppet apply on the machine and fails the build', async (t) => {
  if (!requirePuppet()) return t.skip('puppet is not installed on this host');
  const r = await run({ manifest_file: 'sleeping.pp', staging_directory: join(dir, 'staging-timeout') }, { timeout: '8s' });
  assert.deepEqual(r.summary.builds.map((b) => b.result), ['failed'], texts(r.events).join('\n'));
  assert.match(r.summary.builds[0].error ?? '', /timeout|timed out/i);
  const left = await goneWithin('staging-timeout/manifests/sleeping.pp', 10_000);
  // Puppet's exec runs in its own session (see the cancel test): end our sleep by its pid.
  const sleeper = spawnSync('pgrep', ['-f', 'sleep 97.31'], { encoding: 'utf8' }).stdout.trim();
  for (const pid of sleeper.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
  assert.notEqual(left.status, 0, `puppet apply is still running: ${left.stdout}`);
});
