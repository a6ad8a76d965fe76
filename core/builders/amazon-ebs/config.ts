/** The amazon-ebs builder's configuration: launches an EC2 instance from a source AMI, provisions it, and registers a new EBS-backed AMI. */
import { pathProblems, problem, type Check, type CheckProblem, type ConfigView } from '../../components/checks';
import {
  blockField,
  boolField,
  durationField,
  keyValueBlock,
  nameValueBlock,
  numberField,
  stringField,
  stringListField,
  stringMapField,
} from '../../components/fields';
import type { ComponentSchema, FieldSpec } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

/** How Packer authenticates to AWS. */
export const ACCESS_FIELDS: FieldSpec[] = [
  stringField('access_key', 'AWS access key; by default taken from the environment or shared credentials.', { sensitive: true }),
  blockField(
    'assume_role',
    'Assume this IAM role before building.',
    [
      stringField('role_arn', 'ARN of the role to assume.'),
      numberField('duration_seconds', 'Lifetime of the assumed-role session in seconds.'),
      stringField('external_id', 'External ID the role\'s trust policy expects.'),
      stringField('policy', 'IAM policy (JSON) further limiting the session.'),
      stringListField('policy_arns', 'ARNs of managed policies further limiting the session.'),
      stringField('session_name', 'Name of the assumed-role session.'),
      stringMapField('tags', 'Session tags.'),
      stringListField('transitive_tag_keys', 'Session tag keys passed on to chained roles.'),
    ],
    false,
  ),
  stringField('custom_endpoint_ec2', 'EC2 API endpoint to use instead of AWS\'s.'),
  stringField('shared_credentials_file', 'Path of the AWS shared credentials file.'),
  boolField('decode_authorization_messages', 'Decode "encoded authorization" errors with STS (needs sts:DecodeAuthorizationMessage).', {
    default: false,
  }),
  boolField('insecure_skip_tls_verify', 'Skip checking TLS certificates of the AWS endpoints.', { default: false }),
  numberField('max_retries', 'How many times to retry a throttled AWS API call.', { default: 10 }),
  stringField('mfa_code', 'Current MFA code, when the credentials require one.', { sensitive: true }),
  stringField('profile', 'Profile in the AWS shared credentials file.'),
  stringField('region', 'AWS region to build in, e.g. "us-east-1".'),
  stringField('secret_key', 'AWS secret key; by default taken from the environment or shared credentials.', { sensitive: true }),
  boolField('skip_metadata_api_check', 'Ignored; kept for compatibility.', { default: false }),
  boolField('skip_credential_validation', 'Do not check the credentials with STS before building.', { default: false }),
  stringField('token', 'AWS session token for temporary credentials.', { sensitive: true }),
  blockField(
    'vault_aws_engine',
    'Get AWS credentials from Vault\'s AWS secrets engine.',
    [
      stringField('name', 'Name of the Vault role to request credentials for.'),
      stringField('role_arn', 'ARN of the role to assume, for assumed_role credentials.'),
      stringField('ttl', 'Lifetime of the credentials, e.g. "3600s".'),
      stringField('engine_name', 'Mount path of the AWS secrets engine in Vault.'),
    ],
    false,
  ),
  blockField(
    'aws_polling',
    'How Packer waits for AWS resources to change state.',
    [
      numberField('max_attempts', 'How many times to poll before giving up.'),
      numberField('delay_seconds', 'Seconds between polls.'),
    ],
    false,
  ),
];

/** The AMI being created. */
const AMI_FIELDS: FieldSpec[] = [
  stringField('ami_name', 'Name of the new AMI; must be unique in the region.', { required: true }),
  stringField('ami_description', 'Description of the new AMI.'),
  stringField('ami_virtualization_type', 'Virtualization type of the new AMI, "hvm" or "paravirtual".'),
  stringListField('ami_users', 'AWS account IDs the AMI is shared with.'),
  stringListField('ami_groups', 'Groups the AMI is shared with; "all" makes it public.'),
  stringListField('ami_product_codes', 'Marketplace product codes attached to the AMI.'),
  stringListField('ami_regions', 'Other regions the AMI is copied to.'),
  boolField('skip_region_validation', 'Do not check that ami_regions are real regions.', { default: false }),
  stringMapField('tags', 'Tags put on the AMI and its snapshots.'),
  keyValueBlock('tag', 'A tag put on the AMI and its snapshots (one block per tag).'),
  boolField('ena_support', 'Enable enhanced networking (ENA) on the AMI.'),
  boolField('sriov_support', 'Enable SR-IOV enhanced networking on the AMI.', { default: false }),
  boolField('force_deregister', 'Deregister an existing AMI with the same name first.', { default: false }),
  boolField('force_delete_snapshot', 'Also delete that AMI\'s snapshots when force-deregistering it.', { default: false }),
  boolField('encrypt_boot', 'Encrypt the AMI\'s boot volume.'),
  stringField('kms_key_id', 'KMS key used to encrypt the boot volume.'),
  stringMapField('region_kms_key_ids', 'KMS key to encrypt with in each region of ami_regions.'),
  boolField('skip_save_build_region', 'Keep no copy of the AMI in the build region (only the ami_regions copies).', { default: false }),
  stringMapField('snapshot_tags', 'Tags put on the AMI\'s snapshots.'),
  keyValueBlock('snapshot_tag', 'A tag put on the AMI\'s snapshots (one block per tag).'),
  stringListField('snapshot_users', 'AWS account IDs allowed to create volumes from the snapshots.'),
  stringListField('snapshot_groups', 'Groups allowed to create volumes from the snapshots; "all" makes them public.'),
];

const nameValueFilterFields = (description: string, extra: FieldSpec[] = []): FieldSpec[] => [
  stringMapField('filters', description),
  nameValueBlock('filter', 'One filter, as a name and a value.'),
  ...extra,
];

/** The temporary instance the build runs on. */
const RUN_FIELDS: FieldSpec[] = [
  boolField('associate_public_ip_address', 'Give the instance a public IP address (in a VPC subnet).'),
  stringField('availability_zone', 'Availability zone to launch the instance in.'),
  numberField('block_duration_minutes', 'Reserve a spot instance for this many minutes (a multiple of 60).'),
  boolField('disable_stop_instance', 'Let a provisioner stop the instance instead of Packer.', { default: false }),
  boolField('ebs_optimized', 'Launch an EBS-optimized instance.', { default: false }),
  boolField('enable_t2_unlimited', 'Launch a t2 instance with unlimited CPU credits.', { default: false }),
  stringField('iam_instance_profile', 'IAM instance profile to launch the instance with.'),
  boolField('skip_profile_validation', 'Do not check that iam_instance_profile exists.', { default: false }),
  blockField(
    'temporary_iam_instance_profile_policy_document',
    'Create a temporary instance profile with this policy for the build.',
    [
      stringField('Version', 'Policy language version, e.g. "2012-10-17".'),
      blockField(
        'Statement',
        'One statement of the policy.',
        [
          stringField('Effect', '"Allow" or "Deny".'),
          stringListField('Action', 'Actions the statement covers, e.g. "s3:GetObject".'),
          stringListField('Resource', 'ARNs of the resources the statement covers.'),
        ],
        true,
      ),
    ],
    false,
  ),
  stringField('shutdown_behavior', 'What happens when the instance shuts itself down.', { default: 'stop', enum: ['stop', 'terminate'] }),
  stringField('instance_type', 'EC2 instance type to build on, e.g. "t3.micro".'),
  blockField('security_group_filter', 'Find the security groups to use by filters.', nameValueFilterFields('Filters the security groups must match.'), false),
  stringMapField('run_tags', 'Tags put on the instance while it runs.'),
  keyValueBlock('run_tag', 'A tag put on the instance while it runs (one block per tag).'),
  stringField('security_group_id', 'Security group for the instance; by default a temporary one is created.'),
  stringListField('security_group_ids', 'Security groups for the instance.'),
  stringField('source_ami', 'ID of the AMI to start from.'),
  blockField(
    'source_ami_filter',
    'Find the AMI to start from by filters instead of by ID.',
    [
      // No `filter { key value }` blocks: amazon v1.8.2's AmiFilterOptions (common/ami_filter.go) has only the filters map.
      stringMapField('filters', 'Filters the AMI must match, e.g. name = "ubuntu/images/*".'),
      stringListField('owners', 'Accounts (or aliases such as "amazon") the AMI must belong to.'),
      boolField('most_recent', 'Use the newest AMI when several match.', { default: false }),
    ],
    false,
  ),
  stringListField('spot_instance_types', 'Instance types a spot fleet may choose from.'),
  stringField('spot_price', 'Maximum hourly price for a spot instance, or "auto".'),
  stringField('spot_price_auto_product', 'Ignored; kept for compatibility.', { deprecated: 'No longer needed for spot instances.' }),
  stringMapField('spot_tags', 'Tags put on the spot request.'),
  keyValueBlock('spot_tag', 'A tag put on the spot request (one block per tag).'),
  blockField(
    'subnet_filter',
    'Find the subnet to launch in by filters.',
    nameValueFilterFields('Filters the subnet must match.', [
      boolField('most_free', 'Pick the matching subnet with the most free addresses.', { default: false }),
      boolField('random', 'Pick a random matching subnet.', { default: false }),
    ]),
    false,
  ),
  stringField('subnet_id', 'Subnet to launch the instance in.'),
  stringField('tenancy', 'Placement tenancy of the instance.', { enum: ['default', 'dedicated', 'host'], deprecated: 'Use placement { tenancy = … }.' }),
  stringListField('temporary_security_group_source_cidrs', 'CIDR blocks allowed to reach the temporary security group.', {
    default: ['0.0.0.0/0'],
  }),
  stringField('user_data', 'User data passed to the instance.'),
  stringField('user_data_file', 'Local file whose contents are passed as user data.'),
  blockField('vpc_filter', 'Find the VPC to launch in by filters.', nameValueFilterFields('Filters the VPC must match.'), false),
  stringField('vpc_id', 'VPC to launch the instance in.'),
  durationField('windows_password_timeout', 'How long to wait for a Windows instance\'s generated password.', { default: '20m' }),
  stringField('ssh_interface', 'Which address of the instance to connect to.', {
    enum: ['public_ip', 'private_ip', 'public_dns', 'private_dns', 'session_manager'],
  }),
  durationField('pause_before_ssm', 'Wait this long before opening a Session Manager session.'),
  numberField('session_manager_port', 'Local port of the Session Manager tunnel; random by default.'),
];

const BLOCK_DEVICE_FIELDS: FieldSpec[] = [
  boolField('delete_on_termination', 'Delete the volume when the instance terminates.', { default: false }),
  stringField('device_name', 'Device name, e.g. "/dev/sda1".', { required: true }),
  boolField('encrypted', 'Encrypt the volume.'),
  numberField('iops', 'Provisioned IOPS (io1, io2 and gp3 volumes).'),
  boolField('no_device', 'Suppress the device mapping of the source AMI.', { default: false }),
  stringField('snapshot_id', 'Snapshot to create the volume from.'),
  numberField('throughput', 'Throughput in MiB/s (gp3 volumes).'),
  stringField('virtual_name', 'Instance store name, e.g. "ephemeral0".'),
  stringField('volume_type', 'Volume type, e.g. "gp2", "gp3", "io1".'),
  numberField('volume_size', 'Volume size in GiB.'),
  stringField('kms_key_id', 'KMS key used to encrypt the volume.'),
];

export const amazonEbsBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'amazon-ebs',
  description: 'Builds an EBS-backed AMI by launching an EC2 instance, provisioning it, and snapshotting it.',
  fields: [
    ...communicatorFields('ssh'),
    ...ACCESS_FIELDS,
    ...AMI_FIELDS,
    ...RUN_FIELDS,
    blockField('ami_block_device_mappings', 'Volumes the new AMI is registered with.', BLOCK_DEVICE_FIELDS, true),
    blockField('launch_block_device_mappings', 'Volumes attached to the build instance at launch.', BLOCK_DEVICE_FIELDS, true),
    stringMapField('run_volume_tags', 'Tags put on the build instance\'s volumes.'),
    nameValueBlock('run_volume_tag', 'A tag put on the build instance\'s volumes (one block per tag).'),
    boolField('no_ephemeral', 'Remove the source AMI\'s instance-store volumes from the build instance.', { default: false }),
  ],
  conflicts: [
    ['user_data', 'user_data_file'],
    ['security_group_id', 'security_group_ids'],
  ],
  messages: {
    required: {
      ami_name: 'ami_name must be specified',
      device_name: 'The `device_name` must be specified for every device in the block device mapping.',
    },
    conflicts: ['Only one of user_data or user_data_file can be specified.', 'Only one of security_group_id or security_group_ids can be specified.'],
    enum: {
      ...COMMUNICATOR_ENUM_MESSAGES,
      shutdown_behavior: "shutdown_behavior only accepts 'stop' or 'terminate' values.",
      tenancy: 'Error: Unknown tenancy type %s',
      ssh_interface: 'Unknown interface type: %s',
    },
  },
};

const accessChecks: Check = (c) => {
  const out = [];
  if (c.blocks('vault_aws_engine').length > 0 && c.isSet('access_key')) {
    out.push(problem('If you have set vault_aws_engine, you must not set the access_key or secret_key.', 'access_key'));
  }
  if (!c.isUnknown('access_key') && !c.isUnknown('secret_key') && c.isSet('access_key') !== c.isSet('secret_key')) {
    out.push(problem('`access_key` and `secret_key` must both be either set or not set.', c.isSet('access_key') ? 'access_key' : 'secret_key'));
  }
  return out;
};

/** The AMI rules, in the order Packer checks them. */
const amiChecks: Check = (c) => {
  const out = [];
  const regionKeys = c.config.values.region_kms_key_ids;
  const regionKeyMap = regionKeys?.kind === 'map' ? regionKeys.entries : regionKeys?.kind === 'object' ? regionKeys.attrs : {};
  const amiRegions = c.strings('ami_regions');
  for (const region of Object.keys(regionKeyMap)) {
    if (!amiRegions.includes(region)) out.push(problem(`Region ${region} is in region_kms_key_ids but not in ami_regions`, 'region_kms_key_ids'));
  }
  const encrypt = c.bool('encrypt_boot');
  const emptyRegionKey = Object.values(regionKeyMap).some((v) => v.kind === 'string' && v.value === '');
  if (c.isSet('ami_users')) {
    if (!c.isSet('kms_key_id') && encrypt) out.push(problem('Cannot share AMI encrypted with default KMS key', 'ami_users'));
    if (emptyRegionKey) out.push(problem('Cannot share AMI encrypted with default KMS key for other regions', 'ami_users'));
  }
  const hasKmsKeys = c.isSet('kms_key_id') || Object.values(regionKeyMap).some((v) => v.kind !== 'string' || v.value !== '');
  if (hasKmsKeys && !encrypt && !c.isUnknown('encrypt_boot')) {
    out.push(problem('If you have set either region_kms_key_ids or kms_key_id, encrypt_boot must also be true.', 'encrypt_boot'));
  }
  if (c.isSet('snapshot_users')) {
    if (!c.isSet('kms_key_id') && Object.keys(regionKeyMap).length === 0 && encrypt) {
      out.push(
        problem(
          'Cannot share snapshot encrypted with default KMS key, see https://www.packer.io/docs/builders/amazon-ebs#region_kms_key_ids for more information',
          'snapshot_users',
        ),
      );
    }
    if (emptyRegionKey) out.push(problem('Cannot share snapshot encrypted with default KMS key', 'snapshot_users'));
  }
  // A legacy JSON name such as "web {{timestamp}}" is only known once Packer interpolates it at build time.
  if (!c.isUnknown('ami_name') && !c.string('ami_name').includes('{{')) {
    const name = c.string('ami_name');
    if (name.length < 3 || name.length > 128) out.push(problem('ami_name must be between 3 and 128 characters long', 'ami_name'));
    if (/[^A-Za-z0-9()[\] ./\-'@_]/.test(name)) {
      out.push(
        problem(
          "AMIName should only contain alphanumeric characters, parentheses (()), square brackets ([]), spaces ( ), periods (.), slashes (/), dashes (-), single quotes ('), at-signs (@), or underscores(_). You can use the `clean_resource_name` template filter to automatically clean your ami name.",
          'ami_name',
        ),
      );
    }
  }
  return out;
};

const sourceAmiChecks = (c: ConfigView): ReturnType<Check> => {
  if (c.isSet('source_ami')) return [];
  const filter = c.blocks('source_ami_filter')[0];
  const owners = filter?.strings('owners') ?? [];
  const filterEmpty = !filter || (owners.length === 0 && !filter.isSet('filters'));
  const out = [];
  if (filterEmpty) out.push(problem('A source_ami or source_ami_filter must be specified'));
  if (owners.length === 0 && !filter?.isUnknown('owners')) {
    out.push(problem('For security reasons, your source AMI filter must declare an owner.', 'source_ami_filter'));
  }
  return out;
};

/**
 * RunConfig.Prepare's rules that changed or arrived after Packer 1.6.6 (amazon v1.8.2 common/run_config.go): unlimited
 * credits (enable_t2_unlimited is now its older name), metadata_options, capacity reservations, placement and Nitro Enclaves.
 */
function runChecksSince166(c: ConfigView): CheckProblem[] {
  const out: CheckProblem[] = [];
  const type = c.string('instance_type');
  const pairType = c.string('temporary_key_pair_type');
  if (pairType !== '' && pairType !== 'rsa' && pairType !== 'ed25519') {
    out.push(problem('temporary_key_pair_type requires either rsa or ed25519 as its value', 'temporary_key_pair_type'));
  }
  const metadata = c.blocks('metadata_options')[0];
  if (metadata) {
    const at = (message: string): CheckProblem => ({ message, field: 'metadata_options', ...(metadata.range ? { range: metadata.range } : {}) });
    const either = (field: string, a: string, b: string): void => {
      const v = metadata.string(field);
      if (v !== '' && v !== a && v !== b) out.push(at(`${field} requires either ${a} or ${b} as its value`));
    };
    either('http_endpoint', 'disabled', 'enabled');
    either('http_tokens', 'optional', 'required');
    const hops = metadata.number('http_put_response_hop_limit') ?? 0;
    if (hops !== 0 && (hops < 1 || hops > 64)) out.push(at('http_put_response_hop_limit requires a number between 1 and 64'));
    either('instance_metadata_tags', 'disabled', 'enabled');
  }
  if (c.bool('enable_unlimited_credits') || c.bool('enable_t2_unlimited')) {
    if (!c.isUnknown('instance_type') && !/^t(:?2|3a?|4g)\./.test(type)) {
      out.push(problem(`Error: Instance Type: ${type} is not within the supported types for Unlimited credits. Supported instance types are T2, T3, and T4g`, 'instance_type'));
    }
    if (c.isSet('spot_price') && /^t2\./.test(type)) out.push(problem('Error: Unlimited credits cannot be used in conjunction with Spot Instances', 'spot_price'));
  }
  const reservation = c.isSet('capacity_reservation_id') || c.isSet('capacity_reservation_group_arn');
  if (c.isSet('capacity_reservation_id') && c.isSet('capacity_reservation_group_arn')) {
    out.push(problem('capacity_reservation_id and capacity_reservation_group_arn are mutually exclusive, only one should be used', 'capacity_reservation_group_arn'));
  }
  if (reservation && c.isSet('capacity_reservation_preference')) {
    out.push(problem('capacity_reservation_id, capacity_reservation_group_arn and capacity_reservation_preference are mutually exclusive, only one should be set', 'capacity_reservation_preference'));
  }
  const preference = c.string('capacity_reservation_preference');
  if (preference !== '' && preference !== 'none' && preference !== 'open') {
    out.push(problem("capacity_reservation_preference only accepts 'none' or 'open' values", 'capacity_reservation_preference'));
  }
  const placement = c.blocks('placement')[0];
  const placementTenancy = placement?.string('tenancy') ?? '';
  if (placementTenancy !== '' && c.string('tenancy') !== '') out.push(problem('Error: Please set only one of placement.tenancy and tenancy (deprecated)', 'tenancy'));
  if (placementTenancy !== '' && !['default', 'dedicated', 'host'].includes(placementTenancy)) {
    out.push(problem(`Error: Unknown tenancy type ${placementTenancy}`, 'placement'));
  }
  if (placement) {
    const host = placement.isSet('host_id') || placement.isSet('host_resource_group_arn');
    if (placement.isSet('host_id') && placement.isSet('host_resource_group_arn')) {
      out.push(problem('The `host_id` and `host_resource_group_arn` settings cannot be specified at the same time.', 'placement'));
    }
    if (host && placementTenancy !== '' && placementTenancy !== 'host') {
      out.push(problem('The tenancy should be `host` if either the `host_id` or `host_resource_group_arn` attributes are specified.', 'placement'));
    }
  }
  if (c.bool('enable_nitro_enclave')) {
    if (c.isSet('spot_price')) out.push(problem('Error: Nitro Enclave cannot be used in conjunction with Spot Instances', 'enable_nitro_enclave'));
    if (type.startsWith('t')) out.push(problem(`Error: Nitro Enclaves cannot be used in conjunction with burstable instance types: ${type}`, 'enable_nitro_enclave'));
  }
  return out;
}

const runChecks: Check = (c) => {
  const out = [...sourceAmiChecks(c)];
  const spotTypes = c.isSet('spot_instance_types');
  if (!c.isSet('instance_type') && !spotTypes) out.push(problem('either instance_type or spot_instance_types must be specified'));
  if (c.isSet('instance_type') && spotTypes && !c.isUnknown('instance_type')) {
    out.push(problem('either instance_type or spot_instance_types must be specified, not both', 'spot_instance_types'));
  }
  if (!c.isSet('user_data')) {
    out.push(...pathProblems(c, 'user_data_file', [c.string('user_data_file')], 'any', { missing: (p) => `user_data_file not found: ${p}` }));
  }
  if ((c.number('block_duration_minutes') ?? 0) % 60 !== 0) {
    out.push(problem('block_duration_minutes must be multiple of 60', 'block_duration_minutes'));
  }
  const spotPrice = c.string('spot_price');
  if (c.isSet('spot_tags') && (spotPrice === '' || spotPrice === '0') && !c.isUnknown('spot_price')) {
    out.push(problem('spot_tags should not be set when not requesting a spot instance', 'spot_tags'));
  }
  out.push(...runChecksSince166(c));
  if (c.string('ssh_interface') === 'session_manager') {
    if (c.string('communicator') === 'winrm') {
      out.push(problem('session_manager connectivity is not supported with the "winrm" communicator; please use "ssh"', 'ssh_interface'));
    }
    if (!c.isSet('iam_instance_profile') && c.blocks('temporary_iam_instance_profile_policy_document').length === 0) {
      out.push(
        problem(
          'no iam_instance_profile defined; session_manager connectivity requires a valid instance profile with AmazonSSMManagedInstanceCore permissions. Alternatively a temporary_iam_instance_profile_policy_document can be used.',
          'ssh_interface',
        ),
      );
    }
  }
  const spot = c.isSet('spot_price') || spotTypes;
  if (spot && (c.bool('ena_support') || c.bool('sriov_support'))) {
    out.push(
      problem(
        'Spot instances do not support modification, which is required when either `ena_support` or `sriov_support` are set. Please ensure you use an AMI that already has either SR-IOV or ENA enabled.',
        c.bool('ena_support') ? 'ena_support' : 'sriov_support',
      ),
    );
  }
  return out;
};

const IOPS_RATIOS: Record<string, number> = { io1: 50, io2: 500 };

/**
 * Each block device mapping's own rules, as amazon v1.8.2's BlockDevice.Prepare (common/block_device.go) has them; the
 * first broken mapping is reported, as Packer stops at it. `iops` and `throughput` are pointers there, so a rule on them
 * applies only when the template gives them: a gp3 volume without `throughput` takes AWS's default (1.6.6 refused it).
 */
const blockDeviceChecks: Check = (c) => {
  for (const list of ['ami_block_device_mappings', 'launch_block_device_mappings']) {
    for (const b of c.blocks(list)) {
      const name = b.string('device_name');
      const at = (message: string): CheckProblem[] => [{ message, field: list, ...(b.range ? { range: b.range } : {}) }];
      const given = (field: string): boolean => {
        const v = b.config.values[field];
        return v !== undefined && v.kind !== 'null' && v.kind !== 'unknown';
      };
      if (b.isSet('kms_key_id') && b.config.values.encrypted?.kind === 'bool' && !b.bool('encrypted')) {
        return at(`The device ${name}, must also have \`encrypted: true\` when setting a kms_key_id.`);
      }
      const type = b.string('volume_type');
      const iops = b.number('iops') ?? 0;
      const size = b.number('volume_size') ?? 0;
      const ratio = IOPS_RATIOS[type];
      if (ratio !== undefined && size !== 0 && given('iops')) {
        if (Math.trunc(iops / size) > ratio) {
          return at(`${name}: the maximum ratio of provisioned IOPS to requested volume size (in GiB) is ${ratio}:1 for ${type} volumes`);
        }
        if (iops < 100 || iops > 64000) return at(`IOPS must be between 100 and 64000 for device ${name}`);
      }
      const throughput = b.number('throughput') ?? 0;
      if (type === 'gp3') {
        if (given('throughput') && (throughput < 125 || throughput > 1000)) return at(`Throughput must be between 125 and 1000 for device ${name}`);
        if (given('iops') && (iops < 3000 || iops > 16000)) return at(`IOPS must be between 3000 and 16000 for device ${name}`);
      } else if (given('throughput')) {
        return at(`Throughput is only valid for gp3 volumes, ${JSON.stringify(name)} is of type ${type}`);
      }
    }
  }
  return [];
};

export const amazonEbsBuilderChecks: Check[] = [communicatorChecks('ssh'), accessChecks, amiChecks, runChecks, blockDeviceChecks];
