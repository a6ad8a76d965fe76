/**
 * salt-masterless in a real Docker container. Salt is not packaged in Debian 12, so the container gets a STAND-IN
 * `salt-call` (test/fixtures/salt/stand-in-salt-call) that prints its arguments and the trees and files in place; the
 * assertions read those lines. A last test runs the real salt-call, from PyPI in the tests' Python environment, on this
 * host through a local sshd.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { readSaltConfig } from '../../../core/provisioners/salt-masterless/provisioner';
import type { Plain } from '../../../core/template/values/value';
import { build, collect, config, provisioner, texts } from '../../engine/helpers';
import { PYTHON_VENV, venvTool } from '../../support/python-venv';
import { makeKey, startSshd } from '../../support/sshd';
import { assertNothingLeft, inImage, plannedBuild, removeImages, requireDocker, runBuild } from '../../builders/docker/harness';

const FIXTURES = resolve(__dirname, '../../fixtures/salt');
const SALT_CALL = venvTool('salt-call');
// In CI nothing may be missing: the real-tool test runs (and fails) rather than skips (.ci/python-venv.sh installs Salt).
const noSalt = SALT_CALL === undefined && !process.env.CI && `salt-call is not installed in ${PYTHON_VENV}: run .ci/python-venv.sh`;

/** A build whose container has the stand-in installed as /usr/local/bin/salt-call before salt-masterless runs. */
function withStandIn(fields: Record<string, Plain>, opts: { sensitiveStrings?: string[]; commit?: boolean } = {}) {
  return runBuild(
    {
      builder: opts.commit ? { commit: true } : { discard: true },
      provisioners: [
        ['file', { source: 'stand-in-salt-call', destination: '/usr/local/bin/salt-call' }],
        ['shell', { inline: ['chmod +x /usr/local/bin/salt-call'] }],
        ['salt-masterless', { disable_sudo: true, skip_bootstrap: true, local_state_tree: 'states', ...fields }],
      ],
    },
    FIXTURES,
    { sensitiveStrings: opts.sensitiveStrings },
  );
}

test('prepare: Packer\'s messages', () => {
  const errors = (fields: Record<string, Plain>) => {
    const r = readSaltConfig(plannedBuild({ builder: fields }).builder, FIXTURES);
    return r.ok ? [] : r.error;
  };
  assert.deepEqual(errors({}), ['local_state_tree cannot be empty']);
  assert.deepEqual(errors({ local_state_tree: 'minion' }), ["local_state_tree: path 'minion' must point to a directory"]);
  assert.deepEqual(errors({ local_state_tree: 'states', minion_config: 'minion', remote_state_tree: '/x' }), [
    'remote_state_tree and remote_pillar_roots only apply when minion_config is not used',
  ]);
});

test('uploads the state tree and pillar roots into place and runs salt-call --local state.highstate as Packer does; temp_config_dir is removed', async () => {
  requireDocker();
  const r = await withStandIn({ local_pillar_roots: 'pillar', grains_file: 'grains' }, { commit: true });
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.join('\n')}`);
  const args = 'state.highstate --file-root=/srv/salt --pillar-root=/srv/pillar --retcode-passthrough -l info';
  assert.ok(r.log.includes(`Running: salt-call --local ${args}`), r.log.join('\n'));
  assert.ok(r.log.includes(`stand-in salt-call args: --local ${args}`));
  const seen = r.log.filter((l) => l.startsWith('tree ') || l.startsWith('/etc/salt/'));
  assert.deepEqual(seen, ['tree /srv/salt: ./hello.sls', 'tree /srv/salt: ./top.sls', 'tree /srv/pillar: ./data.sls', 'tree /srv/pillar: ./top.sls', '/etc/salt/grains: role: test']);
  try {
    assert.equal(inImage(b.artifacts[0].id, 'ls /tmp/salt 2>&1 >/dev/null | grep -c "No such file" || true'), '1');
  } finally {
    removeImages(b.artifacts[0].id);
  }
  assertNothingLeft(r.runId);
});

test('minion_config, custom_state, log_level, salt_call_args, no_exit_on_failure, temp_config_dir, salt_bin_dir', async () => {
  requireDocker();
  const r = await withStandIn({
    minion_config: 'minion',
    custom_state: 'hello',
    log_level: 'debug',
    salt_call_args: '--state-output=mixed',
    no_exit_on_failure: true,
    temp_config_dir: '/var/tmp/salt-up',
    salt_bin_dir: '/usr/local/bin',
  });
  assert.equal(r.summary.builds[0].result, 'succeeded', r.log.join('\n'));
  assert.ok(r.log.includes('Running: /usr/local/bin/salt-call --local state.sls hello -l debug --state-output=mixed'), r.log.join('\n'));
  assert.ok(r.log.includes('/etc/salt/minion: file_client: local'));
  assert.ok(r.log.includes('Removing /var/tmp/salt-up'));
});

test('remote_state_tree and a failing state: the build fails with the exit status', async () => {
  requireDocker();
  const r = await withStandIn({ custom_state: 'fail', remote_state_tree: '/srv/other-states' });
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed', r.log.join('\n'));
  assert.match(b.error ?? '', /Error executing salt-call: exit status 2/);
  assert.ok(r.log.includes('tree /srv/other-states: ./top.sls'), r.log.join('\n'));
  assert.ok(r.log.includes('stand-in: state failed'));
});

test('a secret in salt_call_args is masked in the logged command', async () => {
  requireDocker();
  const secret = 'salt-Pw-55qq';
  const r = await withStandIn({ salt_call_args: `pillar='{"pw": "${secret}"}'` }, { sensitiveStrings: [secret] });
  assert.equal(r.summary.builds[0].result, 'succeeded', r.log.join('\n'));
  assert.ok(r.log.some((l) => l.startsWith('Running: salt-call --local') && l.includes('<sensitive>')), r.log.join('\n'));
  assert.ok(!JSON.stringify(r.events).includes(secret));
});

test('the real salt-call: the highstate runs on this host through a local sshd', { skip: noSalt }, async () => {
  assert.ok(SALT_CALL !== undefined, `salt-call is not installed in ${PYTHON_VENV}: .ci/python-venv.sh installs it`);
  const sshd = await startSshd();
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-salt-real-'));
  try {
    const key = makeKey(dir);
    sshd.authorize(key.publicKey);
    const { events, summary } = await collect({
      builds: [
        build('salt', {
          builder: config({ communicator: 'ssh', ssh_host: '127.0.0.1', ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: key.file }),
          provisioners: [
            provisioner('salt-masterless', {
              disable_sudo: true,
              skip_bootstrap: true,
              // The SSH session's PATH does not hold the virtual environment's bin folder.
              salt_bin_dir: dirname(SALT_CALL),
              local_state_tree: 'states',
              local_pillar_roots: 'pillar',
              // Kept inside the test's folder: this host's /srv is left alone.
              remote_state_tree: join(dir, 'states'),
              remote_pillar_roots: join(dir, 'pillar'),
              temp_config_dir: join(dir, 'upload'),
            }),
          ],
        }),
      ],
      registry: builtinPlugins(),
      cwd: FIXTURES,
    });
    assert.deepEqual(summary.builds.map((b) => b.result), ['succeeded'], texts(events).join('\n'));
    assert.equal(readFileSync('/tmp/hello-from-salt', 'utf8').trim(), 'hello from pillar');
  } finally {
    rmSync('/tmp/hello-from-salt', { force: true });
    rmSync(dir, { recursive: true, force: true });
    await sshd.stop();
  }
});

test('cancelling the build stops salt-call promptly', async () => {
  requireDocker();
  const started = Date.now();
  let cancelled = false;
  const r = await runBuild(
    {
      builder: { discard: true },
      provisioners: [
        ['file', { source: 'stand-in-salt-call', destination: '/usr/local/bin/salt-call' }],
        ['shell', { inline: ['chmod +x /usr/local/bin/salt-call'] }],
        ['salt-masterless', { disable_sudo: true, skip_bootstrap: true, local_state_tree: 'states', custom_state: 'slow' }],
      ],
    },
    FIXTURES,
    {},
    (e, run) => {
      if (!cancelled && e.kind === 'output' && e.line === 'stand-in: applying slowly') {
        cancelled = true;
        run.cancel();
      }
    },
  );
  assert.ok(cancelled, r.log.join('\n'));
  assert.equal(r.summary.cancelled, true);
  assert.ok(Date.now() - started < 60_000, 'the run ended long before the stand-in\'s sleep would have');
  assertNothingLeft(r.runId);
});
