/**
 * Invalid configurations and the diagnostics users see: Packer 1.6.6's wording (checked with `packer validate`),
 * pointing at the field when it was written and at the block otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getSchema } from '../../core/components/registry';
import { validateComponent } from '../../core/components/validate';
import type { ComponentKind } from '../../core/components/schema';
import type { ComponentConfig } from '../../core/template/model';
import type { Diagnostic } from '../../core/template/source';
import { BLOCK, block, config, UNKNOWN } from './build-config';

function validate(kind: ComponentKind, type: string, c: ComponentConfig): Diagnostic[] {
  const schema = getSchema(kind, type);
  assert.ok(schema, `${kind} ${type} is registered`);
  return validateComponent(schema, c, BLOCK);
}

const errors = (diags: Diagnostic[]): Diagnostic[] => diags.filter((d) => d.severity === 'error');

/** Asserts exactly one error with this summary, at line:column; returns it for further checks. */
function expectOne(diags: Diagnostic[], summary: string, line: number, column: number): Diagnostic {
  const errs = errors(diags);
  assert.equal(errs.length, 1, JSON.stringify(errs.map((d) => d.summary)));
  const d = errs[0];
  assert.equal(d.summary, summary);
  assert.equal(d.range?.filename, 'test.pkr.hcl');
  assert.deepEqual([d.range?.start.line, d.range?.start.column], [line, column]);
  return d;
}

/** Asserts the summaries of all errors, in order. */
function expectSummaries(diags: Diagnostic[], summaries: string[]): void {
  assert.deepEqual(
    errors(diags).map((d) => d.summary),
    summaries,
  );
}

// Decoding: names and types.

test('an unknown provisioner field suggests the close one', () => {
  const d = expectOne(validate('provisioner', 'shell', config({ inline: ['x'], scirpts: ['a.sh'] })), 'Unsupported argument', 3, 3);
  assert.equal(d.detail, 'An argument named "scirpts" is not expected here. Did you mean "scripts"?');
});

test('an unknown field far from every name gets no suggestion', () => {
  const d = expectOne(validate('post-processor', 'manifest', config({ flavour: 'x' })), 'Unsupported argument', 2, 3);
  assert.equal(d.detail, 'An argument named "flavour" is not expected here.');
});

test('a nested block written as an argument says to use a block', () => {
  const c = config({ region: 'r', ami_name: 'abc', launch_block_device_mappings: [{ device_name: '/dev/sda1' }] });
  const d = expectOne(validate('builder', 'amazon-ebs', c), 'Unsupported argument', 4, 3);
  assert.equal(d.detail, 'An argument named "launch_block_device_mappings" is not expected here. Did you mean to define a block of type "launch_block_device_mappings"?');
});

test('an argument written as a block says to use the equals sign', () => {
  const c = config({ image: 'x', commit: true }, { volumes: [block(7, { a: 'b' })] });
  const d = expectOne(validate('builder', 'docker', c), 'Unsupported block type', 7, 3);
  assert.equal(
    d.detail,
    'Blocks of type "volumes" are not expected here. Did you mean to define argument "volumes"? If so, use the equals sign to assign it a value.',
  );
});

test('a misspelt block type suggests the block', () => {
  const c = config({ source_ami: 'ami-1', instance_type: 't2.micro', ssh_username: 'u', ami_name: 'abc' }, { run_tga: [block(9, { key: 'a', value: 'b' })] });
  const d = expectOne(validate('builder', 'amazon-ebs', c), 'Unsupported block type', 9, 3);
  assert.equal(d.detail, 'Blocks of type "run_tga" are not expected here. Did you mean "run_tag"?');
});

test('an unknown field inside a nested block points inside the block', () => {
  const c = config(
    { region: 'r', source_ami: 'ami-1', instance_type: 't2.micro', ssh_username: 'u', ami_name: 'abc' },
    { launch_block_device_mappings: [block(10, { device_name: '/dev/sda1', volume_sise: 10 })] },
  );
  const d = expectOne(validate('builder', 'amazon-ebs', c), 'Unsupported argument', 12, 3);
  assert.equal(d.detail, 'An argument named "volume_sise" is not expected here. Did you mean "volume_size"?');
});

test('a second single block is a duplicate', () => {
  const filter = (line: number): ComponentConfig => block(line, { owners: ['self'], most_recent: true });
  const c = config({ instance_type: 't2.micro', ssh_username: 'u', ami_name: 'abc' }, { source_ami_filter: [filter(10), filter(20)] });
  const d = expectOne(validate('builder', 'amazon-ebs', c), 'Duplicate source_ami_filter block', 20, 3);
  assert.equal(d.detail, 'Only one block of type "source_ami_filter" is allowed. Previous definition was at test.pkr.hcl:10,3-20.');
});

test('a string for a bool is a type error in HCL\'s words', () => {
  const d = expectOne(validate('builder', 'docker', config({ image: 'x', commit: 'yes' })), 'Incorrect attribute value type', 3, 3);
  assert.equal(d.detail, 'Inappropriate value for attribute "commit": a bool is required.');
});

test('a word for a number is a type error', () => {
  const c = config({ image: 'x', commit: true, ssh_handshake_attempts: ' 5' });
  const d = expectOne(validate('builder', 'docker', c), 'Incorrect attribute value type', 4, 3);
  assert.equal(d.detail, 'Inappropriate value for attribute "ssh_handshake_attempts": a number is required.');
});

test('a list for a string is a type error', () => {
  const d = expectOne(validate('builder', 'docker', config({ image: 'x', commit: true, message: ['a'] })), 'Incorrect attribute value type', 4, 3);
  assert.equal(d.detail, 'Inappropriate value for attribute "message": string required.');
});

test('a string for a list is a type error', () => {
  const d = expectOne(validate('builder', 'docker', config({ image: 'x', commit: true, changes: 'CMD x' })), 'Incorrect attribute value type', 4, 3);
  assert.equal(d.detail, 'Inappropriate value for attribute "changes": list of string required.');
});

test('a nested list inside a list of strings names the element', () => {
  const d = expectOne(validate('builder', 'docker', config({ image: 'x', commit: true, run_command: [['a']] })), 'Incorrect attribute value type', 4, 3);
  assert.equal(d.detail, 'Inappropriate value for attribute "run_command": element 0: string required.');
});

test('an object for a list of lists (qemuargs) names the problem', () => {
  const c = config({ iso_url: 'a.iso', iso_checksum: 'none', ssh_username: 'u', qemuargs: [['-m', '1G'], '-smp'] });
  const d = expectOne(validate('builder', 'qemu', c), 'Incorrect attribute value type', 5, 3);
  assert.equal(d.detail, 'Inappropriate value for attribute "qemuargs": element 1: list of string required.');
});

test('a map whose value is a list names the key', () => {
  const c = config({ manifest_file: 'a.pp', facter: { role: ['web'] } });
  const d = expectOne(validate('provisioner', 'puppet-masterless', c), 'Incorrect attribute value type', 3, 3);
  assert.equal(d.detail, 'Inappropriate value for attribute "facter": element "role": string required.');
});

test('a bad duration names the field with Go\'s reason', () => {
  const d = expectOne(validate('provisioner', 'shell', config({ inline: ['x'], start_retry_timeout: '5 minutes' })), 'Invalid duration', 3, 3);
  assert.equal(
    d.detail,
    'error decoding \'start_retry_timeout\': time: unknown unit " minutes" in duration "5 minutes". Durations are written like "30s", "5m" or "1h30m".',
  );
});

test('a bare number is not a duration (Go needs a unit)', () => {
  const d = expectOne(validate('builder', 'qemu', config({ iso_url: 'a.iso', iso_checksum: 'none', ssh_username: 'u', boot_wait: 10 })), 'Invalid duration', 5, 3);
  assert.match(d.detail ?? '', /time: missing unit in duration "10"/);
});

test('decoding errors stop Prepare\'s rules, as in Packer', () => {
  // Without image and with no artifact choice, Prepare would complain too; the typo is reported alone.
  expectOne(validate('builder', 'docker', config({ imgae: 'x' })), 'Unsupported argument', 2, 3);
});

// Prepare: required fields, groups and enums.

test('docker: export_path and commit together conflict (Packer\'s message)', () => {
  const d = expectOne(
    validate('builder', 'docker', config({ image: 'x', export_path: 'out.tar', commit: true })),
    'Cannot specify more than one of commit, discard, and export_path',
    4,
    3,
  );
  assert.equal(d.detail, 'Only one of "commit", "discard" or "export_path" may be set; found "commit" and "export_path".');
});

test('shell: inline and script together', () => {
  expectOne(
    validate('provisioner', 'shell', config({ inline: ['x'], script: 'a.sh' })),
    'Only a script file or an inline script can be specified, not both.',
    3,
    3,
  );
});

test('shell: environment variables must be KEY=value', () => {
  expectOne(
    validate('provisioner', 'shell', config({ inline: ['x'], environment_vars: ['A=1', '=2'] })),
    "Environment variable not in format 'key=value': =2",
    3,
    3,
  );
});

test('file provisioner: no source at all, pointing at the block', () => {
  const d = expectOne(validate('provisioner', 'file', config({ destination: '/tmp' })), 'Source must be specified.', 1, 1);
  assert.equal(d.detail, 'At least one of "source", "sources" or "content" must be set.');
});

test('file provisioner: a direction other than upload/download', () => {
  const d = expectOne(
    validate('provisioner', 'file', config({ source: 'a', destination: 'b', direction: 'sideways' })),
    'Direction must be one of: download, upload.',
    4,
    3,
  );
  assert.equal(d.detail, '"sideways" is not a valid value for "direction"; expected one of "upload", "download".');
});

test('shell-local: nothing to run', () => {
  expectOne(validate('provisioner', 'shell-local', config({})), 'Command, Inline, Script and Scripts options cannot all be empty.', 1, 1);
});

test('shell-local post-processor: command and inline together', () => {
  expectOne(
    validate('post-processor', 'shell-local', config({ command: 'a', inline: ['b'] })),
    'You may only specify one of the following options: Command, Inline, Script or Scripts. Please consolidate these options in your config.',
    3,
    3,
  );
});

test('shell-local: only_on must name an operating system Go knows', () => {
  expectOne(
    validate('provisioner', 'shell-local', config({ command: 'a', only_on: ['linux', 'macos'] })),
    "Invalid OS specified in only_on: 'macos'\nSupported OS names: darwin, freebsd, linux, openbsd, solaris, windows",
    3,
    3,
  );
});

test('ansible-local: neither playbook_file nor playbook_files', () => {
  expectOne(validate('provisioner', 'ansible-local', config({})), 'Either playbook_file or playbook_files must be specified', 1, 1);
});

test('ansible: playbook_file is required', () => {
  const d = expectOne(validate('provisioner', 'ansible', config({ user: 'me' })), 'playbook_file must be specified.', 1, 1);
  assert.equal(d.detail, 'The argument "playbook_file" is required, but no definition was found.');
});

test('puppet-masterless: an unknown guest_os_type', () => {
  expectOne(
    validate('provisioner', 'puppet-masterless', config({ manifest_file: 'a.pp', guest_os_type: 'beos' })),
    'Invalid guest_os_type: "beos"',
    3,
    3,
  );
});

test('salt-masterless: remote trees do not apply with a minion config', () => {
  expectOne(
    validate('provisioner', 'salt-masterless', config({ local_state_tree: 'salt', minion_config: 'minion', remote_state_tree: '/srv/x' })),
    'remote_state_tree and remote_pillar_roots only apply when minion_config is not used',
    3,
    3,
  );
});

test('checksum: an unknown algorithm', () => {
  expectOne(validate('post-processor', 'checksum', config({ checksum_types: ['sha256', 'crc32'] })), 'Unrecognized checksum type: crc32', 2, 3);
});

test('compress: a level above 9 is lowered to 9 (a warning, as Packer accepts it)', () => {
  const diags = validate('post-processor', 'compress', config({ compression_level: 10 }));
  assert.deepEqual(errors(diags), []);
  assert.deepEqual(
    diags.map((d) => [d.severity, d.summary, d.range?.start.line]),
    [['warning', 'compression_level 10 is above 9, the highest; 9 is used.', 2]],
  );
});

test('artifice: files are required', () => {
  expectOne(validate('post-processor', 'artifice', config({})), 'No files specified in artifice configuration', 1, 1);
});

test('vagrant: an unknown provider_override lists the valid ones', () => {
  const d = expectOne(
    validate('post-processor', 'vagrant', config({ provider_override: 'virtualbx' })),
    'The given provider_override virtualbx is not valid. Please choose from one of aws, azure, digitalocean, docker, google, hyperv, libvirt, lxc, parallels, scaleway, virtualbox, vmware',
    2,
    3,
  );
  assert.match(d.detail ?? '', /Did you mean "virtualbox"\?/);
});

test('docker-push: ECR login needs a login server', () => {
  expectOne(validate('post-processor', 'docker-push', config({ ecr_login: true })), 'ECR login requires login server to be provided.', 2, 3);
});

test('null builder: an invalid communicator type, then what the null builder misses (as Packer lists them)', () => {
  const diags = validate('builder', 'null', config({ communicator: 'sshh' }));
  expectSummaries(diags, [
    'Communicator type sshh is invalid',
    'a Host must be specified, please reference your communicator documentation',
    'a Username must be specified, please reference your communicator documentation',
    'one authentication method must be specified, please reference your communicator documentation',
  ]);
  const d = diags[0];
  assert.deepEqual([d.range?.start.line, d.range?.start.column], [2, 3]);
  assert.match(d.detail ?? '', /Did you mean "ssh"\?/);
});

test('null builder: needs a host, a user and one way to log in', () => {
  expectSummaries(validate('builder', 'null', config({})), [
    'An ssh_username must be specified\n  Note: some builders used to default ssh_username to "root".',
    'a Host must be specified, please reference your communicator documentation',
    'a Username must be specified, please reference your communicator documentation',
    'one authentication method must be specified, please reference your communicator documentation',
  ]);
});

test('null builder: communicator none needs nothing', () => {
  assert.deepEqual(validate('builder', 'null', config({ communicator: 'none' })), []);
});

test('ssh_file_transfer_method must be scp or sftp', () => {
  const c = config({ ssh_host: 'h', ssh_username: 'u', ssh_agent_auth: true, ssh_file_transfer_method: 'ftp' });
  expectOne(validate('builder', 'null', c), "ssh_file_transfer_method ('ftp') is invalid, valid methods: sftp, scp", 5, 3);
});

test('qemu: iso_url and iso_urls together, plus bad format and accelerator', () => {
  const c = config({
    iso_urls: ['a.iso'],
    iso_url: 'a.iso',
    iso_checksum: 'none',
    ssh_username: 'u',
    format: 'vmdk',
    accelerator: 'kwm',
    disk_size: '10X',
  });
  const diags = validate('builder', 'qemu', c);
  expectSummaries(diags, [
    "invalid accelerator, only 'kvm', 'tcg', 'xen', 'hax', 'hvf', 'whpx', or 'none' are allowed",
    "invalid format, only 'qcow2' or 'raw' are allowed",
    'Only one of iso_url or iso_urls must be specified',
    'Invalid disk size.',
  ]);
  const accel = errors(diags)[0];
  assert.deepEqual([accel.range?.start.line, accel.range?.start.column], [7, 3]);
  assert.match(accel.detail ?? '', /Did you mean "kvm"\?/);
});

test('qemu: a checksum that is not hex', () => {
  const c = config({ iso_url: 'a.iso', iso_checksum: 'sha256:zz', ssh_username: 'u' });
  expectOne(validate('builder', 'qemu', c), 'invalid checksum: encoding/hex: invalid byte: U+007A \'z\' in "sha256:zz"', 3, 3);
});

test('virtualbox-iso: no ISO at all', () => {
  const diags = validate('builder', 'virtualbox-iso', config({ ssh_username: 'u', shutdown_command: 'halt' }));
  expectSummaries(diags, ['A checksum must be specified', 'One of iso_url or iso_urls must be specified']);
  assert.ok(errors(diags).every((d) => d.range?.start.line === 1));
});

test('virtualbox-ovf: source_path is required and a missing shutdown_command warns', () => {
  const diags = validate('builder', 'virtualbox-ovf', config({ ssh_username: 'u' }));
  expectOne(diags, 'source_path is required', 1, 1);
  const warnings = diags.filter((d) => d.severity === 'warning');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].summary, /^A shutdown_command was not specified/);
});

test('amazon-ebs: Prepare\'s errors in Packer\'s order', () => {
  const c = config(
    { region: 'us-east-1', ssh_username: 'ubuntu', ami_name: 'x', access_key: 'k' },
    { launch_block_device_mappings: [block(8, { volume_size: 10 })] },
  );
  expectSummaries(validate('builder', 'amazon-ebs', c), [
    'The `device_name` must be specified for every device in the block device mapping.',
    '`access_key` and `secret_key` must both be either set or not set.',
    'ami_name must be between 3 and 128 characters long',
    'A source_ami or source_ami_filter must be specified',
    'For security reasons, your source AMI filter must declare an owner.',
    'either instance_type or spot_instance_types must be specified',
  ]);
});

test('amazon-ebs: a missing device_name points at its block', () => {
  const c = config(
    { region: 'r', source_ami: 'ami-1', instance_type: 't2.micro', ssh_username: 'u', ami_name: 'abc' },
    { ami_block_device_mappings: [block(12, { volume_size: 10 })] },
  );
  expectOne(validate('builder', 'amazon-ebs', c), 'The `device_name` must be specified for every device in the block device mapping.', 12, 3);
});

test('amazon-ebs: gp3 throughput out of range points at the mapping', () => {
  const c = config(
    { region: 'r', source_ami: 'ami-1', instance_type: 't2.micro', ssh_username: 'u', ami_name: 'abc' },
    { launch_block_device_mappings: [block(15, { device_name: '/dev/xvda', volume_type: 'gp3', throughput: 2000, iops: 3000 })] },
  );
  expectOne(validate('builder', 'amazon-ebs', c), 'Throughput must be between 125 and 1000 for device /dev/xvda', 15, 3);
});

test('amazon-ebs: an unknown shutdown_behavior', () => {
  const c = config({ region: 'r', source_ami: 'ami-1', instance_type: 't2.micro', ssh_username: 'u', ami_name: 'abc', shutdown_behavior: 'hibernate' });
  expectOne(validate('builder', 'amazon-ebs', c), "shutdown_behavior only accepts 'stop' or 'terminate' values.", 7, 3);
});

test('azure-arm: an empty config lists what is missing, as Packer does', () => {
  expectSummaries(validate('builder', 'azure-arm', config({ client_id: 'x', client_secret: 'y', subscription_id: 'z' })), [
    'An os_type must be specified',
    'A capture_container_name or managed_image_name must be specified',
    'A capture_name_prefix or managed_image_resource_group_name must be specified',
    'An image_publisher must be specified',
    'An image_offer must be specified',
    'An image_sku must be specified',
    'Specify either a VHD (storage_account and resource_group_name) or Managed Image (managed_image_resource_group_name and managed_image_name) output',
    'Specify either a location to create the resource group in or an existing build_resource_group_name, but not both.',
    'A storage_account must be specified',
    'A resource_group_name must be specified',
  ]);
});

test('azure-arm: an unknown disk_caching_type quotes the value', () => {
  const c = config({
    os_type: 'Linux',
    image_publisher: 'Canonical',
    image_offer: 'UbuntuServer',
    image_sku: '18.04-LTS',
    managed_image_name: 'img',
    managed_image_resource_group_name: 'rg',
    location: 'westeurope',
    disk_caching_type: 'Fast',
  });
  expectOne(validate('builder', 'azure-arm', c), 'The disk_caching_type "Fast" is invalid', 9, 3);
});

test('file builder: source and content together', () => {
  expectOne(validate('builder', 'file', config({ target: 't', source: 's', content: 'c' })), 'Cannot specify source file AND content', 4, 3);
});

// Unknown values.

test('unknown values satisfy required fields and groups and are never type errors', () => {
  const c = config({ inline: UNKNOWN, environment_vars: UNKNOWN, pause_after: UNKNOWN, valid_exit_codes: [0, UNKNOWN] });
  assert.deepEqual(validate('provisioner', 'shell', c), []);
  assert.deepEqual(validate('builder', 'amazon-ebs', config({ source_ami: 'ami-1', instance_type: 't2.micro', ssh_username: 'u', ami_name: UNKNOWN })), []);
});

test('a sensitive value never appears in a message', () => {
  const c = config({ manifest_file: 'a.pp', guest_os_type: 'hunter2' });
  c.values.guest_os_type = { ...c.values.guest_os_type, sensitive: true };
  const d = expectOne(validate('provisioner', 'puppet-masterless', c), 'Invalid guest_os_type: "(sensitive value)"', 3, 3);
  assert.ok(!JSON.stringify(d).includes('hunter2'));
});

test('amazon-ebs: KMS keys need encrypt_boot, and their regions must be copied to', () => {
  const c = config({
    region: 'r',
    source_ami: 'ami-1',
    instance_type: 't2.micro',
    ssh_username: 'u',
    ami_name: 'abc',
    region_kms_key_ids: { 'eu-west-1': 'alias/x' },
  });
  expectSummaries(validate('builder', 'amazon-ebs', c), [
    'Region eu-west-1 is in region_kms_key_ids but not in ami_regions',
    'If you have set either region_kms_key_ids or kms_key_id, encrypt_boot must also be true.',
  ]);
});

test('amazon-ebs: an AMI name with characters AWS refuses', () => {
  const c = config({ region: 'r', source_ami: 'ami-1', instance_type: 't2.micro', ssh_username: 'u', ami_name: 'web:1' });
  const d = expectOne(validate('builder', 'amazon-ebs', c), errors(validate('builder', 'amazon-ebs', c))[0]?.summary ?? '', 6, 3);
  assert.match(d.summary, /^AMIName should only contain alphanumeric characters/);
});

test('azure-arm: an unknown cloud name', () => {
  expectOne(
    validate('builder', 'azure-arm', config({ os_type: 'Linux', cloud_environment_name: 'Mars' })),
    "There is no cloud environment matching the name 'Mars'!",
    3,
    3,
  );
  const ok = validate('builder', 'azure-arm', config({ os_type: 'Linux', cloud_environment_name: 'azurechinacloud' }));
  assert.ok(!ok.some((d) => d.summary.startsWith('There is no cloud')));
});

test('salt-masterless: local_state_tree is required and formulas need a // folder', () => {
  const d = expectOne(validate('provisioner', 'salt-masterless', config({})), 'local_state_tree cannot be empty', 1, 1);
  assert.equal(d.detail, 'The argument "local_state_tree" is required, but no definition was found.');
  expectOne(
    validate('provisioner', 'salt-masterless', config({ local_state_tree: 'salt', formulas: ['https://github.com/x/nginx-formula.git'] })),
    "Invalid formula URL. Please verify the git URLs also contain a '//' subdir",
    3,
    3,
  );
  assert.deepEqual(validate('provisioner', 'salt-masterless', config({ local_state_tree: 'salt', formulas: ['https://github.com/x/nginx-formula.git//nginx?ref=v1'] })), []);
});

test('qemu: a boot command wait must be positive', () => {
  const c = config({
    iso_url: 'a.iso',
    iso_checksum: 'md5:d41d8cd98f00b204e9800998ecf8427e',
    ssh_username: 'u',
    boot_command: ['<wait0><wait0s><wait-1.5s><wait5x><wait2><wait-90m>'],
  });
  expectSummaries(validate('builder', 'qemu', c), [
    'Expecting a positive wait value. Got 0s',
    'Expecting a positive wait value. Got -1.5s',
    'Expecting a positive wait value. Got -1h30m0s',
  ]);
});

test('azure-arm: target_region blocks beside replication_regions or shared_image_gallery_replica_count are Packer\'s errors', () => {
  const destination = block(20, { resource_group: 'images', gallery_name: 'g', image_name: 'i', image_version: '1.0.0', replication_regions: ['northeurope'] });
  destination.blocks.target_region = [block(27, { name: 'westeurope' })];
  const c = config(
    { client_id: 'x', client_secret: 'y', subscription_id: 'z', os_type: 'Linux', location: 'westeurope', image_publisher: 'p', image_offer: 'o', image_sku: 's', managed_image_name: 'm', managed_image_resource_group_name: 'images', shared_image_gallery_replica_count: 2 },
    { shared_image_gallery_destination: [destination] },
  );
  expectSummaries(validate('builder', 'azure-arm', c), [
    '`replicated_regions` can not be defined alongside `target_region`; you can define a target_region for each destination region you wish to replicate to.',
    '`shared_image_gallery_replica_count` can not be defined alongside `target_region`; you can define `replicas` inside each target_region block to set the number replicas for each region',
  ]);
});
