import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allSchemas, componentTypes, getSchema } from '../../core/components/registry';
import { validateComponent } from '../../core/components/validate';
import type { ComponentKind } from '../../core/components/schema';
import type { ComponentConfig } from '../../core/template/model';
import { BLOCK, block, config } from './build-config';

/** The smallest config Packer 1.6.6 accepts for each component (each was checked with `packer validate`). */
const MINIMAL: Record<string, ComponentConfig> = {
  'builder docker': config({ image: 'ubuntu:20.04', commit: true }),
  'builder qemu': config({ iso_url: 'http://example.com/a.iso', iso_checksum: 'md5:d41d8cd98f00b204e9800998ecf8427e', ssh_username: 'u' }),
  'builder virtualbox-iso': config({
    iso_url: 'http://example.com/a.iso',
    iso_checksum: 'sha256:abcd',
    ssh_username: 'u',
    shutdown_command: 'sudo halt',
  }),
  'builder virtualbox-ovf': config({ source_path: 'base.ovf', ssh_username: 'u', shutdown_command: 'sudo halt' }),
  'builder vmware-iso': config({ iso_url: 'http://x/os.iso', iso_checksum: 'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', network_adapter_type: 'vmxnet3', ssh_username: 'u', shutdown_command: 'sudo halt' }),
  'builder vmware-vmx': config({ source_path: 'base.vmx', ssh_username: 'u', shutdown_command: 'sudo halt' }),
  'builder amazon-ebs': config({
    region: 'us-east-1',
    source_ami: 'ami-123',
    instance_type: 't2.micro',
    ssh_username: 'ubuntu',
    ami_name: 'my ami',
  }),
  'builder azure-arm': config({
    os_type: 'Linux',
    image_publisher: 'Canonical',
    image_offer: 'UbuntuServer',
    image_sku: '18.04-LTS',
    managed_image_name: 'img',
    managed_image_resource_group_name: 'rg',
    location: 'westeurope',
  }),
  'builder googlecompute': config({ project_id: 'my-project', zone: 'us-central1-a', source_image_family: 'debian-12', ssh_username: 'packer' }),
  'builder null': config({ ssh_host: '10.0.0.5', ssh_username: 'u', ssh_password: 'p' }),
  'builder file': config({ target: 'out.txt', content: 'hello' }),
  'provisioner shell': config({ inline: ['echo hi'] }),
  'provisioner file': config({ source: 'a.txt', destination: '/tmp/a.txt' }),
  'provisioner shell-local': config({ command: 'echo hi' }),
  'provisioner breakpoint': config({}),
  'provisioner ansible': config({ playbook_file: 'site.yml' }),
  'provisioner ansible-local': config({ playbook_file: 'site.yml' }),
  'provisioner puppet-masterless': config({ manifest_file: 'site.pp' }),
  'provisioner chef-solo': config({ cookbook_paths: ['cookbooks'] }),
  'provisioner salt-masterless': config({ local_state_tree: 'salt' }),
  'provisioner windows-shell': config({ inline: ['echo hi'] }),
  'provisioner powershell': config({ inline: ['Write-Host hi'] }),
  'provisioner windows-restart': config({}),
  'post-processor manifest': config({}),
  'post-processor checksum': config({}),
  'post-processor compress': config({}),
  'post-processor artifice': config({ files: ['out.img'] }),
  'post-processor shell-local': config({ inline: ['echo done'] }),
  'post-processor docker-import': config({ repository: 'me/app' }),
  'post-processor docker-tag': config({ repository: 'me/app', tags: ['latest'] }),
  'post-processor docker-push': config({}),
  'post-processor docker-save': config({ path: 'image.tar' }),
  'post-processor vagrant': config({}),
  'post-processor upload': config({ destination: 's3://bakehouse-images/nightly/' }),
  'post-processor amazon-import': config({ s3_bucket_name: 'bakehouse-imports' }),
};

test('every registered component has a minimal config here', () => {
  const registered = allSchemas().map((s) => `${s.kind} ${s.type}`).sort();
  assert.deepEqual(Object.keys(MINIMAL).sort(), registered);
});

for (const [key, c] of Object.entries(MINIMAL)) {
  test(`a minimal ${key} config is valid`, () => {
    const [kind, type] = key.split(' ') as [ComponentKind, string];
    const schema = getSchema(kind, type);
    assert.ok(schema);
    assert.deepEqual(validateComponent(schema, c, BLOCK), []);
  });
}

test('the brief\'s component types are all registered', () => {
  assert.deepEqual(componentTypes('builder'), ['amazon-ebs', 'azure-arm', 'docker', 'file', 'googlecompute', 'null', 'qemu', 'virtualbox-iso', 'virtualbox-ovf', 'vmware-iso', 'vmware-vmx']);
  assert.deepEqual(componentTypes('provisioner'), [
    'ansible',
    'ansible-local',
    'breakpoint',
    'chef-solo',
    'file',
    'powershell',
    'puppet-masterless',
    'salt-masterless',
    'shell',
    'shell-local',
    'windows-restart',
    'windows-shell',
  ]);
  assert.deepEqual(componentTypes('post-processor'), [
    'amazon-import',
    'artifice',
    'checksum',
    'compress',
    'docker-import',
    'docker-push',
    'docker-save',
    'docker-tag',
    'manifest',
    'shell-local',
    'upload',
    'vagrant',
  ]);
});

test('a fuller amazon-ebs config with nested blocks is valid', () => {
  const c = config(
    { region: 'us-east-1', instance_type: 't3.micro', ssh_username: 'ubuntu', ami_name: 'web {{timestamp}}', tags: { Name: 'web' } },
    {
      source_ami_filter: [
        {
          ...block(10, { filters: { name: 'ubuntu/images/*', 'root-device-type': 'ebs' }, owners: ['099720109477'], most_recent: true }),
          blocks: {},
        },
      ],
      launch_block_device_mappings: [block(20, { device_name: '/dev/sda1', volume_size: 40, volume_type: 'gp2', delete_on_termination: true })],
      tag: [block(30, { key: 'Owner', value: 'me' }), block(33, { key: 'Team', value: 'ops' })],
    },
  );
  const schema = getSchema('builder', 'amazon-ebs');
  assert.ok(schema);
  assert.deepEqual(validateComponent(schema, c, BLOCK), []);
});
