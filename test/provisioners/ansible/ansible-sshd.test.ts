import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import type { BuildInfo } from '../../../core/engine/plugin';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { ansibleProvisioner } from '../../../core/provisioners/ansible/provisioner';
import { build, collect, config, provisioner, texts } from '../../engine/helpers';
import { makeKey, startSshd, TEST_USER } from '../../support/sshd';
import { recordingUi, runStep, scratch, sshConfig } from '../../communicators/ssh/harness';

const fixtures = resolve(__dirname, '../../fixtures/ansible');
const info: BuildInfo = { name: 'web', displayName: 'null.web', hcl2: true, builderType: 'null', runId: 'r', env: { ...process.env }, cwd: fixtures, force: false };

function requireAnsible(t: { skip(m: string): void }): boolean {
  if (existsSync('/usr/bin/ansible-playbook')) return true;
  if (process.env.CI) throw new Error('ansible-playbook is missing');
  t.skip('ansible-playbook is not installed');
  return false;
}

/** This provisioner's temp folders (ansible-local's, from test files running alongside, are not ours). */
function ansibleTemps(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('bakehouse-ansible-') && !n.startsWith('bakehouse-ansible-local-'));
}

async function withSshd(fn: (run: Awaited<ReturnType<typeof runStep>>, dir: string) => Promise<void>): Promise<void> {
  const sshd = await startSshd();
  const dir = scratch();
  const key = makeKey(dir);
  sshd.authorize(key.publicKey);
  const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_private_key_file: key.file })));
  try {
    assert.deepEqual(run.result, { ok: true, value: undefined });
    await fn(run, dir);
  } finally {
    await run.cleanup();
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const useProxy of [false, true]) {
  test(`ansible ${useProxy ? 'through the adapter' : 'directly'} runs a playbook against a real sshd, with packer_build_name, and leaves no temp files`, async (t) => {
    if (!requireAnsible(t)) return;
    const before = ansibleTemps();
    await withSshd(async (run) => {
      // The test user writes it: a world-writable folder without the sticky bit lets us remove it afterwards.
      const markerDir = scratch();
      chmodSync(markerDir, 0o777);
      const marker = join(markerDir, 'marker');
      const p = ansibleProvisioner.prepare(config({ playbook_file: 'copy.yml', use_proxy: useProxy, user: TEST_USER, extra_arguments: ['-e', `marker=${marker}`] }), info);
      assert.ok(p.ok, JSON.stringify(p));
      const ui = recordingUi();
      const r = await p.value.provision({ ui, signal: new AbortController().signal, build: info, communicator: run.communicator, generated: run.state.generated });
      assert.deepEqual(r, { ok: true, value: undefined }, ui.lines.join('\n'));
      assert.equal(readFileSync(marker, 'utf8'), 'copied by ansible\n');
      rmSync(markerDir, { recursive: true, force: true });
      assert.ok(ui.lines.some((l) => /Executing Ansible: ansible-playbook -e packer_build_name="web" -e packer_builder_type=null/.test(l)), ui.lines.join('\n'));
      assert.ok(ui.lines.some((l) => /^stdout: PLAY RECAP/.test(l)));
      if (useProxy) assert.ok(ui.lines.some((l) => /Ansible adapter listening on 127\.0\.0\.1:\d+/.test(l)));
      assert.ok(ui.lines.some((l) => l.includes('--ssh-extra-args -o IdentitiesOnly=yes -o UserKnownHostsFile=/dev/null ')), ui.lines.join('\n'));
      // Asked by host name (entries may be hashed): other programs on the machine may write the file meanwhile.
      const knownHosts = join(homedir(), '.ssh', 'known_hosts');
      const host = `[127.0.0.1]:${useProxy ? /127\.0\.0\.1:(\d+)/.exec(ui.lines.join('\n'))?.[1] : run.state.generated.Port}`;
      const found = existsSync(knownHosts) ? spawnSync('ssh-keygen', ['-F', host, '-f', knownHosts], { encoding: 'utf8' }).stdout : '';
      assert.equal(found, '', `${host} was not added to the user's known_hosts`);
    });
    assert.deepEqual(ansibleTemps(), before);
  });
}

test('a failing playbook fails the step with the exit status, its output in the log', async (t) => {
  if (!requireAnsible(t)) return;
  await withSshd(async (run) => {
    const p = ansibleProvisioner.prepare(config({ playbook_file: 'fail.yml', user: TEST_USER, extra_arguments: ['-e', 'api_token=hunter2'] }), info);
    assert.ok(p.ok);
    const ui = recordingUi();
    const r = await p.value.provision({ ui, signal: new AbortController().signal, build: info, communicator: run.communicator, generated: run.state.generated });
    assert.deepEqual(r, { ok: false, error: 'Error executing Ansible: Non-zero exit status: exit status 2' });
    assert.ok(ui.lines.some((l) => l.includes('about to fail')), ui.lines.join('\n'));
    assert.ok(!ui.lines.some((l) => l.includes('hunter2')), 'the password is masked in the logged command');
  });
});

test('cancelling during ansible kills ansible-playbook and its ssh children, and closes the adapter', async (t) => {
  if (!requireAnsible(t)) return;
  await withSshd(async (run) => {
    const p = ansibleProvisioner.prepare(config({ playbook_file: 'slow.yml', user: TEST_USER, inventory_directory: tmpdir() }), info);
    assert.ok(p.ok);
    const ui = recordingUi();
    const ac = new AbortController();
    const running = p.value.provision({ ui, signal: ac.signal, build: info, communicator: run.communicator, generated: run.state.generated });
    for (let i = 0; i < 200 && !ui.lines.some((l) => l.includes('TASK [')); i++) await new Promise((r) => setTimeout(r, 100));
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(ui.lines.join('\n'))?.[1]);
    ac.abort();
    const r = await running;
    assert.deepEqual(r, { ok: false, error: 'Build was cancelled.' });
    const procs = execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.includes('slow.yml') && !l.includes('ps -eo'));
    assert.deepEqual(procs, []);
    assert.equal(readdirSync(tmpdir()).filter((n) => n.startsWith('packer-provisioner-ansible')).length, 0, 'inventory removed');
    const ss = execFileSync('ss', ['-ltn']).toString();
    assert.ok(!ss.includes(`127.0.0.1:${port} `), 'adapter port closed');
  });
});

test('galaxy_file installs a role from a local tarball (file:// source, no network) into roles_path before the playbook uses it', async (t) => {
  if (!requireAnsible(t)) return;
  const before = ansibleTemps();
  await withSshd(async (run, dir) => {
    const work = scratch();
    chmodSync(work, 0o777);
    try {
      const tarball = join(work, 'greeter.tar.gz');
      execFileSync('tar', ['czf', tarball, '-C', join(fixtures, 'galaxy'), 'greeter']);
      const requirements = join(work, 'requirements.yml');
      writeFileSync(requirements, `- src: file://${tarball}\n  name: greeter\n`);
      const roles = join(work, 'roles');
      const marker = join(work, 'marker');
      // ansible-galaxy keeps a cache under HOME: the test's own HOME keeps the real user's untouched.
      const home: BuildInfo = { ...info, env: { ...info.env, HOME: dir } };
      const p = ansibleProvisioner.prepare(
        config({ playbook_file: 'galaxy/site.yml', galaxy_file: requirements, roles_path: roles, user: TEST_USER, extra_arguments: ['-e', `marker=${marker}`] }),
        home,
      );
      assert.ok(p.ok, JSON.stringify(p));
      const ui = recordingUi();
      const r = await p.value.provision({ ui, signal: new AbortController().signal, build: home, communicator: run.communicator, generated: run.state.generated });
      assert.deepEqual(r, { ok: true, value: undefined }, ui.lines.join('\n'));
      assert.ok(ui.lines.includes(`message: Executing Ansible Galaxy: ansible-galaxy install -r ${requirements} -p ${roles}`), ui.lines.join('\n'));
      assert.ok(ui.lines.some((l) => l.includes('greeter was installed successfully')), ui.lines.join('\n'));
      assert.ok(existsSync(join(roles, 'greeter', 'tasks', 'main.yml')), 'the role is in roles_path');
      assert.equal(readFileSync(marker, 'utf8'), 'greeted web\n');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
  assert.deepEqual(ansibleTemps(), before);
});

test('the provisioner timeout set in the template kills ansible-playbook (no ansible process left) and fails the build with the timeout', async (t) => {
  if (!requireAnsible(t)) return;
  const sshd = await startSshd();
  const dir = scratch();
  const key = makeKey(dir);
  sshd.authorize(key.publicKey);
  const before = ansibleTemps();
  try {
    const started = Date.now();
    const { summary, events } = await collect({
      builds: [
        build('null', {
          builder: config({ communicator: 'ssh', ssh_host: '127.0.0.1', ssh_port: sshd.port, ssh_username: TEST_USER, ssh_private_key_file: key.file }),
          provisioners: [provisioner('ansible', { playbook_file: 'slow.yml', user: TEST_USER }, { timeout: '15s' })],
        }),
      ],
      registry: builtinPlugins(),
      cwd: fixtures,
    });
    const said = texts(events);
    assert.equal(summary.builds[0].result, 'failed', said.join('\n'));
    assert.equal(summary.builds[0].error, 'The ansible provisioner timed out after 15s');
    assert.ok(said.includes('Cancelling provisioner after a timeout...'));
    assert.ok(said.some((l) => l.includes('TASK [')), 'ansible-playbook was running its task when the timeout hit');
    assert.ok(Date.now() - started < 40_000, `took ${Date.now() - started} ms`);
    const procs = execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.includes('slow.yml') && !l.includes('ps -eo'));
    assert.deepEqual(procs, [], 'no ansible-playbook or ssh child is left');
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(ansibleTemps(), before);
});
