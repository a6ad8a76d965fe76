import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { guestBuilder, readFromImage, requireGuest, runBuild, workDir } from '../../builders/qemu/harness';

const fixtures = resolve(__dirname, '../../fixtures/ansible');
// A temp folder of this file's own (os.tmpdir() reads TMPDIR on each call): this long build's ansible folders would
// otherwise show up in the nothing-left checks of the other ansible test files running at the same time.
const privateTmp = mkdtempSync(join(tmpdir(), 'ansible-qemu-test-'));
process.env.TMPDIR = privateTmp;
after(() => rmSync(privateTmp, { recursive: true, force: true }));

// One boot (TCG takes 40–200 s here) serves both connection modes.
test('ansible against the real QEMU guest: directly over its SSH port and through the adapter, python modules included', { timeout: 15 * 60_000 }, async (t) => {
  if (!existsSync('/usr/bin/ansible-playbook')) {
    if (process.env.CI) throw new Error('ansible-playbook is missing');
    return t.skip('ansible-playbook is not installed');
  }
  requireGuest();
  const dir = workDir();
  const playbook = resolve(fixtures, 'copy.yml');
  const r = await runBuild(
    {
      builder: guestBuilder({ shutdown_command: 'poweroff' }),
      provisioners: [
        ['ansible', { playbook_file: playbook, use_proxy: false, extra_arguments: ['-e', 'marker=/root/direct'] }],
        ['ansible', { playbook_file: playbook, user: 'root', extra_arguments: ['-e', 'marker=/root/adapted'] }],
        ['shell', { inline: ['sync'] }],
      ],
    },
    dir,
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.slice(-40).join('\n')}`);
  const disk = join(dir, 'output-test', 'packer-test');
  assert.equal(readFromImage(disk, '/root/direct', dir), 'copied by ansible\n');
  assert.equal(readFromImage(disk, '/root/adapted', dir), 'copied by ansible\n');
  assert.ok(r.log.some((l) => /Ansible adapter listening on 127\.0\.0\.1:\d+/.test(l)));
});
