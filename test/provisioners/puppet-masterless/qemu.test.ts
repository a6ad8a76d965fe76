/** puppet-masterless in a real QEMU guest (software emulation): one boot, Puppet from the guest's own packages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { guestBuilder, readFromImage, requireGuest, runBuild, workDir } from '../../builders/qemu/harness';

const FIXTURES = resolve(__dirname, '../../fixtures/puppet');

test('puppet apply in a QEMU guest writes what the manifest says; the staging folder is cleaned', { timeout: 20 * 60_000 }, async (t) => {
  requireGuest();
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runBuild(
    {
      builder: guestBuilder({ shutdown_command: 'poweroff' }),
      provisioners: [
        [
          'puppet-masterless',
          {
            manifest_file: join(FIXTURES, 'manifests/site.pp'),
            module_paths: [join(FIXTURES, 'modules')],
            facter: { out: '/root/puppet-marker' },
            prevent_sudo: true,
            clean_staging_directory: true,
          },
        ],
        ['shell', { inline: ['test ! -e /tmp/packer-puppet-masterless && echo "staging cleaned"', 'sync'] }],
      ],
    },
    dir,
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.slice(-40).join('\n')}`);
  assert.ok(r.log.includes('staging cleaned'), r.log.slice(-40).join('\n'));
  assert.equal(readFromImage(join(dir, 'output-test', 'packer-test'), '/root/puppet-marker', dir), 'greeting=no hiera build=test builder=qemu\n');
});
