/**
 * chef-solo in a real Docker container. Chef is not packaged in Debian 12, so the container gets a STAND-IN
 * `chef-solo` (test/fixtures/chef/stand-in-chef-solo) that prints its arguments, the solo.rb and node.json it receives
 * and the staged tree; the assertions read those lines. A last test runs the real chef-solo where one is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { readChefConfig } from '../../../core/provisioners/chef-solo/provisioner';
import type { Plain } from '../../../core/template/values/value';
import { build, collect, config, provisioner, texts } from '../../engine/helpers';
import { makeKey, startSshd } from '../../support/sshd';
import { assertNothingLeft, plannedBuild, requireDocker, runBuild } from '../../builders/docker/harness';

const FIXTURES = resolve(__dirname, '../../fixtures/chef');

/** A build whose container has the stand-in installed as /usr/local/bin/chef-solo before chef-solo runs. */
function withStandIn(fields: Record<string, Plain>, opts: { sensitiveStrings?: string[] } = {}) {
  return runBuild(
    {
      builder: { discard: true },
      provisioners: [
        ['file', { source: 'stand-in-chef-solo', destination: '/usr/local/bin/chef-solo' }],
        ['shell', { inline: ['chmod +x /usr/local/bin/chef-solo'] }],
        ['chef-solo', { prevent_sudo: true, skip_install: true, ...fields }],
      ],
    },
    FIXTURES,
    opts,
  );
}

test('prepare: Packer\'s messages for bad paths', () => {
  const errors = (fields: Record<string, Plain>) => {
    const r = readChefConfig(plannedBuild({ builder: fields }).builder, FIXTURES);
    return r.ok ? [] : r.error;
  };
  assert.deepEqual(errors({ cookbook_paths: ['nope'] }), ["Bad cookbook path 'nope': stat nope: no such file or directory"]);
  assert.deepEqual(errors({ roles_path: 'secret' }), ["Bad roles path 'secret': not a directory"]);
  assert.deepEqual(errors({ config_template: 'roles' }), ['Config template path must be a file']);
  assert.deepEqual(errors({ encrypted_data_bag_secret_path: 'roles' }), ["Bad encrypted data bag secret 'roles': is a directory"]);
});

test('prepare: json_string (how HCL2 templates give node attributes) is decoded over json, as the plugin unmarshals it', () => {
  const read = (fields: Record<string, Plain>) => readChefConfig(plannedBuild({ builder: fields }).builder, FIXTURES);
  const r = read({ json: { a: 1, b: 'old' }, json_string: '{"b": "new", "c": {"d": true}}' });
  assert.ok(r.ok, r.ok ? '' : r.error.join('\n'));
  assert.deepEqual(r.value.json, { a: 1, b: 'new', c: { d: true } });
  const bad = read({ json_string: '{not json' });
  assert.ok(!bad.ok && bad.error.length === 1 && bad.error[0].startsWith("Failed to unmarshal 'json_string': "), JSON.stringify(bad));
});

test('uploads cookbooks, roles, data bags, environments and the secret, writes solo.rb and node.json, runs chef-solo as Packer does', async () => {
  requireDocker();
  const r = await withStandIn({
    cookbook_paths: ['cookbooks'],
    remote_cookbook_paths: ['/opt/cookbooks'],
    roles_path: 'roles',
    data_bags_path: 'data_bags',
    environments_path: 'environments',
    encrypted_data_bag_secret_path: 'secret',
    chef_environment: 'prod',
    json: { greeting: 'world', nested: { n: 1 } },
    run_list: ['role[web]'],
  });
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.join('\n')}`);
  const S = '/tmp/packer-chef-solo';
  assert.ok(r.log.includes(`Executing Chef: chef-solo --no-color -c ${S}/solo.rb -j ${S}/node.json`), r.log.join('\n'));
  assert.ok(r.log.includes(`stand-in chef-solo args: --no-color -c ${S}/solo.rb -j ${S}/node.json`));
  const solo = r.log.filter((l) => l.startsWith('solo.rb| ')).map((l) => l.slice(9)).filter((l) => l.trim() !== '');
  assert.deepEqual(solo, [
    `cookbook_path 	["/opt/cookbooks","${S}/cookbooks-0"]`,
    `role_path		"${S}/roles"`,
    `data_bag_path	"${S}/data_bags"`,
    `encrypted_data_bag_secret "${S}/encrypted_data_bag_secret"`,
    `environment_path "${S}/environments"`,
    'environment "prod"',
    'chef_license "accept-silent"',
  ]);
  const json = JSON.parse(r.log.filter((l) => l.startsWith('node.json| ')).map((l) => l.slice(11)).join('\n')) as unknown;
  assert.deepEqual(json, { greeting: 'world', nested: { n: 1 }, run_list: ['role[web]'] });
  const staged = r.log.filter((l) => l.startsWith('staged| ')).map((l) => l.slice(8));
  assert.deepEqual(staged, [
    './cookbooks-0/hello/metadata.json',
    './cookbooks-0/hello/recipes/default.rb',
    './data_bags/users/alice.json',
    './encrypted_data_bag_secret',
    './environments/prod.json',
    './node.json',
    './roles/web.json',
    './solo.rb',
  ]);
  assertNothingLeft(r.runId);
});

test('install_command with Version and Sudo, config_template, execute_command, staging_directory, and a failing chef-solo', async () => {
  requireDocker();
  const r = await withStandIn({
    skip_install: false,
    install_command: 'echo "installing chef {{.Version}} sudo={{.Sudo}}"',
    version: '18.2',
    config_template: 'custom-solo.rb',
    cookbook_paths: ['cookbooks'],
    chef_license: 'accept',
    staging_directory: '/var/tmp/chef stage',
    execute_command: 'CHEF_STANDIN_EXIT=3 chef-solo -c "{{.ConfigPath}}" -j "{{.JsonPath}}"',
  });
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed', r.log.join('\n'));
  assert.match(b.error ?? '', /Non-zero exit status: 3/);
  assert.ok(r.log.includes('installing chef 18.2 sudo=false'), r.log.join('\n'));
  const solo = r.log.filter((l) => l.startsWith('solo.rb| ')).map((l) => l.slice(9));
  assert.deepEqual(solo, ['cookbook_path ["/var/tmp/chef stage/cookbooks-0"]', '# custom template, license accept']);
  assertNothingLeft(r.runId);
});

test('a secret in json is masked in what chef-solo prints', async () => {
  requireDocker();
  const secret = 'chef-Pw-91zz';
  const r = await withStandIn({ cookbook_paths: ['cookbooks'], json: { password: secret } }, { sensitiveStrings: [secret] });
  assert.equal(r.summary.builds[0].result, 'succeeded', r.log.join('\n'));
  assert.ok(r.log.includes('node.json|   "password": "<sensitive>"'), r.log.join('\n'));
  assert.ok(!JSON.stringify(r.events).includes(secret));
});

test('the real chef-solo, where it is installed: the recipe runs on this host through a local sshd', async (t) => {
  if (spawnSync('sh', ['-c', 'command -v chef-solo']).status !== 0) {
    return t.skip('chef-solo is not on PATH: Chef is not packaged in Debian 12 (nor in this CI image), so only the stand-in tests above ran');
  }
  const sshd = await startSshd();
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-chef-real-'));
  try {
    const key = makeKey(dir);
    sshd.authorize(key.publicKey);
    const { events, summary } = await collect({
      builds: [
        build('chef', {
          builder: config({ communicator: 'ssh', ssh_host: '127.0.0.1', ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: key.file }),
          provisioners: [
            provisioner('chef-solo', { prevent_sudo: true, skip_install: true, cookbook_paths: ['cookbooks'], run_list: ['recipe[hello]'], json: { greeting: 'real chef' }, staging_directory: join(dir, 'staging') }),
          ],
        }),
      ],
      registry: builtinPlugins(),
      cwd: FIXTURES,
    });
    assert.deepEqual(summary.builds.map((b) => b.result), ['succeeded'], texts(events).join('\n'));
    assert.equal(readFileSync('/tmp/hello-from-chef', 'utf8'), 'hello real chef\n');
  } finally {
    rmSync('/tmp/hello-from-chef', { force: true });
    rmSync(dir, { recursive: true, force: true });
    await sshd.stop();
  }
});

test('cancelling the build stops chef-solo promptly', async () => {
  requireDocker();
  const started = Date.now();
  let cancelled = false;
  const r = await runBuild(
    {
      builder: { discard: true },
      provisioners: [['chef-solo', { prevent_sudo: true, skip_install: true, execute_command: 'echo "chef is slow"; sleep 97.55' }]],
    },
    FIXTURES,
    {},
    (e, run) => {
      if (!cancelled && e.kind === 'output' && e.line === 'chef is slow') {
        cancelled = true;
        run.cancel();
      }
    },
  );
  assert.ok(cancelled, r.log.join('\n'));
  assert.equal(r.summary.cancelled, true);
  assert.ok(Date.now() - started < 60_000, 'the run ended long before the sleep would have');
  assertNothingLeft(r.runId);
});
