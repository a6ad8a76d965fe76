import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import type { BuildInfo } from '../../../core/engine/plugin';
import { shellProvisioner } from '../../../core/provisioners/shell/provisioner';
import { startSshd, TEST_PASSWORD, TEST_USER } from '../../support/sshd';
import { plannedBuild } from '../../builders/docker/harness';
import { recordingUi, runStep, sshConfig } from '../../communicators/ssh/harness';

const info: BuildInfo = { name: 'n', displayName: 'null.n', hcl2: true, builderType: 'null', runId: 'r', env: {}, cwd: '/', force: false };

test('start_retry_timeout bounds the wait for a machine that went away, not the SSH communicator\'s 5-minute default', async () => {
  const sshd = await startSshd();
  // The communicator's own reconnect default (5 minutes) is left as it is: the provisioner's setting must win.
  const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_password: TEST_PASSWORD }), { intervalMs: 100 }));
  try {
    assert.deepEqual(run.result, { ok: true, value: undefined });
    const prepared = shellProvisioner.prepare(plannedBuild({ builder: { inline: ['echo never'], start_retry_timeout: '1s' } }).builder, info);
    assert.ok(prepared.ok);
    await sshd.stop();
    // Let the client notice the connection went, as after a reboot: the upload then has to reconnect first.
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const r = await prepared.value.provision({ ui: recordingUi(), signal: new AbortController().signal, build: info, communicator: run.communicator, generated: {} });
    const took = Date.now() - started;
    assert.deepEqual(r, { ok: false, error: 'Error uploading script: the machine did not answer within start_retry_timeout (1s)' });
    assert.ok(took >= 900 && took < 5000, `gave up after ${took} ms`);
  } finally {
    await run.cleanup();
  }
});

test('start_retry_timeout must be a duration', () => {
  const prepared = shellProvisioner.prepare(plannedBuild({ builder: { inline: ['true'], start_retry_timeout: 'soon' } }).builder, info);
  assert.equal(prepared.ok, false);
  assert.match((prepared as { error: string[] }).error.join('\n'), /^start_retry_timeout: /);
});
