import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import type { BuildInfo } from '../../../core/engine/plugin';
import { ansibleLocalProvisioner } from '../../../core/provisioners/ansible-local/provisioner';
import { config } from '../../engine/helpers';
import { makeKey, startSshd, TEST_USER } from '../../support/sshd';
import { recordingUi, runStep, scratch, sshConfig } from '../../communicators/ssh/harness';

const fixtures = resolve(__dirname, '../../fixtures/ansible/local');

test('ansible-local uploads the playbook and group_vars to the staging folder and runs the real ansible-playbook there (local sshd), cleaning up', async (t) => {
  if (!existsSync('/usr/bin/ansible-playbook')) {
    if (process.env.CI) throw new Error('ansible-playbook is missing');
    return t.skip('ansible-playbook is not installed');
  }
  const sshd = await startSshd();
  const dir = scratch();
  chmodSync(dir, 0o777);
  const key = makeKey(join(dir));
  sshd.authorize(key.publicKey);
  const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_private_key_file: key.file })));
  try {
    const info: BuildInfo = { name: 'web', displayName: 'null.web', hcl2: true, builderType: 'null', runId: 'r', env: {}, cwd: fixtures, force: false };
    const staging = `/tmp/bh-ansible-local-${process.pid}`;
    const marker = join(dir, 'marker');
    const p = ansibleLocalProvisioner.prepare(
      config({ playbook_file: 'site.yml', group_vars: 'group_vars', staging_directory: staging, clean_staging_directory: true, extra_arguments: ['-e', `marker=${marker}`] }),
      info,
    );
    assert.ok(p.ok, JSON.stringify(p));
    const ui = recordingUi();
    const r = await p.value.provision({ ui, signal: new AbortController().signal, build: info, communicator: run.communicator, generated: run.state.generated });
    assert.deepEqual(r, { ok: true, value: undefined }, ui.lines.join('\n'));
    assert.equal(readFileSync(marker, 'utf8'), 'hello from web\n');
    assert.ok(ui.lines.some((l) => /PLAY RECAP/.test(l)));
    assert.ok(!existsSync(staging), 'clean_staging_directory removed the staging folder');
  } finally {
    await run.cleanup();
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
