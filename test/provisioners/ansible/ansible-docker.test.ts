import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertNothingLeft, inImage, removeImages, requireDocker, runBuild, workDir } from '../../builders/docker/harness';

const fixtures = resolve(__dirname, '../../fixtures/ansible');
// A temp folder of this file's own (os.tmpdir() reads TMPDIR on each call): the ansible tests in other files, run at the same
// time, make folders of the same names, and each file checks that it leaves none.
const privateTmp = mkdtempSync(join(tmpdir(), 'ansible-docker-test-'));
process.env.TMPDIR = privateTmp;
after(() => rmSync(privateTmp, { recursive: true, force: true }));

test('ansible through the adapter provisions a real Docker container (raw only: the image has no python3); the committed image has its file', async (t) => {
  if (!existsSync('/usr/bin/ansible-playbook')) {
    if (process.env.CI) throw new Error('ansible-playbook is missing');
    return t.skip('ansible-playbook is not installed');
  }
  requireDocker();
  // ansible-local's test may run at the same time and has its own folders; only ansible's count here.
  const before = readdirSync(tmpdir()).filter((n) => n.startsWith('bakehouse-ansible') && !n.startsWith('bakehouse-ansible-local-'));
  const r = await runBuild(
    {
      name: 'web',
      builder: { commit: true },
      provisioners: [['ansible', { playbook_file: resolve(fixtures, 'raw-touch.yml'), extra_arguments: ['-e', 'marker=/root/ansible-marker'] }]],
    },
    workDir(),
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.join('\n')}`);
  try {
    assert.equal(inImage(b.artifacts[0].id, 'cat /root/ansible-marker').trim(), 'web docker');
    assert.ok(r.log.some((l) => /changed=1 /.test(l)), r.log.join('\n'));
  } finally {
    removeImages(b.artifacts[0].id);
  }
  assertNothingLeft(r.runId);
  assert.deepEqual(readdirSync(tmpdir()).filter((n) => n.startsWith('bakehouse-ansible') && !n.startsWith('bakehouse-ansible-local-')), before, 'no adapter key or inventory left');
});

test('a failing playbook fails the Docker build with the exit status', async (t) => {
  if (!existsSync('/usr/bin/ansible-playbook')) {
    if (process.env.CI) throw new Error('ansible-playbook is missing');
    return t.skip('ansible-playbook is not installed');
  }
  requireDocker();
  const r = await runBuild({ builder: { discard: true }, provisioners: [['ansible', { playbook_file: resolve(fixtures, 'fail.yml') }]] }, workDir());
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.equal(b.error, 'Error executing Ansible: Non-zero exit status: exit status 2');
  assert.ok(r.log.some((l) => l.includes('about to fail')), r.log.join('\n'));
  assertNothingLeft(r.runId);
});
