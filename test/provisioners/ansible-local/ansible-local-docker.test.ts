import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { assertNothingLeft, inImage, removeImages, requireDocker, runBuild, workDir } from '../../builders/docker/harness';

const fixtures = resolve(__dirname, '../../fixtures/ansible/local-docker');
const staging = '/tmp/bh-ansible-local-staging';

/** One record file of the stand-ins, as its lines. */
function record(image: string, name: string): string[] {
  return inImage(image, `cat /root/stand-in-records/${name}`).trimEnd().split('\n');
}

// The image has no python3, so Ansible itself cannot run in it: STAND-IN ansible-playbook and ansible-galaxy scripts
// (test/fixtures/ansible/local-docker/stand-ins) are put into the container first and record how they were called.
test('ansible-local in a real Docker container uploads every folder where Packer puts it and runs ansible-playbook (a recording stand-in) with the Packer command line; clean_staging_directory removes the staging folder', async () => {
  requireDocker();
  const r = await runBuild(
    {
      name: 'web',
      builder: { commit: true },
      provisioners: [
        ['file', { source: `${fixtures}/stand-ins/`, destination: '/usr/local/bin' }],
        ['shell', { inline: ['chmod 755 /usr/local/bin/ansible-playbook /usr/local/bin/ansible-galaxy'] }],
        [
          'ansible-local',
          {
            playbook_files: [`${fixtures}/site.yml`, `${fixtures}/second.yml`],
            playbook_dir: `${fixtures}/pbdir`,
            role_paths: [`${fixtures}/roles/web`],
            playbook_paths: [`${fixtures}/includes`],
            group_vars: `${fixtures}/group_vars`,
            host_vars: `${fixtures}/host_vars`,
            inventory_file: `${fixtures}/hosts`,
            galaxy_file: `${fixtures}/requirements.yml`,
            extra_arguments: ['--limit', '127.0.0.1', '-v'],
            staging_directory: staging,
            clean_staging_directory: true,
          },
        ],
        ['shell', { inline: [`if [ -e ${staging} ]; then echo "STAGING LEFT"; else echo "STAGING GONE"; fi`] }],
      ],
    },
    workDir(),
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.join('\n')}`);
  try {
    const image = b.artifacts[0].id;
    assert.ok(r.log.some((l) => l.includes('STAGING GONE')) && !r.log.some((l) => l.includes('STAGING LEFT')), r.log.join('\n'));
    assert.equal(inImage(image, `test -e ${staging} && echo left || echo gone`).trim(), 'gone');

    assert.deepEqual(record(image, 'galaxy'), [
      `cwd=${staging}`,
      'arg=/usr/local/bin/ansible-galaxy',
      'arg=install',
      'arg=-r',
      `arg=${staging}/requirements.yml`,
      'arg=-p',
      `arg=${staging}/roles`,
    ]);

    const tree = [
      'tree:',
      '.',
      './group_vars',
      './group_vars/all.yml',
      './host_vars',
      './host_vars/127.0.0.1.yml',
      './hosts',
      './notes.txt',
      './playbooks',
      './playbooks/includes',
      './playbooks/includes/common.yml',
      './requirements.yml',
      './roles',
      './roles/from-galaxy',
      './roles/from-galaxy/README',
      './roles/web',
      './roles/web/tasks',
      './roles/web/tasks/main.yml',
      './second.yml',
      './site.yml',
    ];
    for (const [n, playbook] of [
      [0, 'site.yml'],
      [1, 'second.yml'],
    ] as const) {
      assert.deepEqual(record(image, `playbook-${n}`), [
        `cwd=${staging}`,
        'env=ANSIBLE_FORCE_COLOR=1 PYTHONUNBUFFERED=1',
        'arg=/usr/local/bin/ansible-playbook',
        `arg=${staging}/${playbook}`,
        '--extra-vars',
        'packer_build_name=web packer_builder_type=docker',
        'arg=--limit',
        'arg=127.0.0.1',
        'arg=-v',
        'arg=-c',
        'arg=local',
        'arg=-i',
        `arg=${staging}/hosts`,
        ...tree,
      ].map((l) => (l === '--extra-vars' || l.startsWith('packer_build_name') ? `arg=${l}` : l)));
    }
    const executed = r.log.filter((l) => l.includes('Executing Ansible: '));
    assert.equal(executed.length, 2, r.log.join('\n'));
    assert.ok(
      executed[0].endsWith(
        `Executing Ansible: cd ${staging} && ANSIBLE_FORCE_COLOR=1 PYTHONUNBUFFERED=1 ansible-playbook ${staging}/site.yml --extra-vars 'packer_build_name=web packer_builder_type=docker' --limit 127.0.0.1 -v -c local -i ${staging}/hosts`,
      ),
      executed[0],
    );
  } finally {
    removeImages(b.artifacts[0]?.id ?? '');
  }
  assertNothingLeft(r.runId);
});
