/**
 * The azure-arm builder's configuration: starts an Azure VM from a marketplace, managed or gallery image, provisions it,
 * and captures it. Settings the builder refuses (VHD output, Windows, data disks…) are refused in read-config.ts; the
 * few it accepts without acting on are marked `notYet`.
 */
import { problem, type Check, type CheckProblem } from '../../components/checks';
import {
  blockField,
  boolField,
  durationField,
  field,
  nameValueBlock,
  numberField,
  stringField,
  stringListField,
  stringMapField,
} from '../../components/fields';
import type { ComponentSchema, FieldSpec } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorFields } from '../../communicators/config';

/** A setting Bakehouse's azure-arm accepts but does not act on yet (validation warns where it is set). */
const notYet = (f: FieldSpec): FieldSpec => ({ ...f, notImplemented: true as const });

const GALLERY_IMAGE_FIELDS: FieldSpec[] = [
  stringField('subscription', 'Subscription the gallery belongs to.'),
  stringField('resource_group', 'Resource group of the gallery.'),
  stringField('gallery_name', 'Name of the Shared Image Gallery.'),
  stringField('image_name', 'Name of the image definition in the gallery.'),
  stringField('image_version', 'Version of the image.'),
];

const AUTH_FIELDS: FieldSpec[] = [
  stringField('cloud_environment_name', 'Azure cloud to use: Public, ChinaCloud, USGovernmentCloud or GermanCloud.', { default: 'Public' }),
  stringField('metadata_host', 'Resource Manager host whose /metadata/endpoints describes a custom cloud (or ARM_METADATA_URL).'),
  stringField('client_id', 'Application (service principal) ID to authenticate as.'),
  stringField('client_secret', 'Secret of the service principal.', { sensitive: true }),
  stringField('client_cert_path', 'Certificate file (PEM) to authenticate the service principal with.'),
  stringField('client_jwt', 'Pre-signed JWT to authenticate the service principal with.', { sensitive: true }),
  stringField('client_cert_password', 'Password of the certificate\'s private key, if it has one.', { sensitive: true }),
  notYet(stringField('object_id', 'Object ID of the service principal (Windows builds).')),
  stringField('tenant_id', 'Azure AD tenant; looked up from the subscription by default.'),
  stringField('subscription_id', 'Subscription to build in.'),
  boolField('use_azure_cli_auth', 'Authenticate with the Azure CLI\'s logged-in account.', { default: false }),
];

export const azureArmBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'azure-arm',
  description: 'Builds an Azure managed image or VHD by provisioning a temporary VM and capturing it.',
  fields: [
    ...communicatorFields('ssh'),
    ...AUTH_FIELDS,
    stringListField('user_assigned_managed_identities', 'Resource IDs of user-assigned managed identities given to the VM.'),
    stringField('capture_name_prefix', 'Prefix of the captured VHD\'s name.'),
    stringField('capture_container_name', 'Storage container the captured VHD is put in.'),
    blockField('shared_image_gallery', 'Start from an image in a Shared Image Gallery.', GALLERY_IMAGE_FIELDS, false),
    blockField(
      'shared_image_gallery_destination',
      'Also publish the managed image to a Shared Image Gallery.',
      [...GALLERY_IMAGE_FIELDS, stringListField('replication_regions', 'Regions the image version is replicated to.')],
      false,
    ),
    durationField('shared_image_gallery_timeout', 'How long to wait for the gallery image version to be published.', { default: '60m' }),
    stringField('shared_gallery_image_version_end_of_life_date', 'End-of-life date of the published image version.'),
    numberField('shared_image_gallery_replica_count', 'Number of replicas of the image version per region.'),
    boolField('shared_gallery_image_version_exclude_from_latest', 'Do not make this version the gallery\'s "latest".', { default: false }),
    stringField('image_publisher', 'Publisher of the marketplace image to start from, e.g. "Canonical".'),
    stringField('image_offer', 'Offer of the marketplace image, e.g. "UbuntuServer".'),
    stringField('image_sku', 'SKU of the marketplace image, e.g. "18.04-LTS".'),
    stringField('image_version', 'Version of the marketplace image.', { default: 'latest' }),
    stringField('image_url', 'URL of a VHD to start from.'),
    stringField('custom_managed_image_name', 'Name of a managed image to start from.'),
    stringField('custom_managed_image_resource_group_name', 'Resource group of that managed image.'),
    stringField('location', 'Azure region to build in, e.g. "westeurope".'),
    stringField('vm_size', 'Size of the build VM.', { default: 'Standard_A1' }),
    stringField('managed_image_resource_group_name', 'Resource group the managed image is created in.'),
    stringField('managed_image_name', 'Name of the managed image to create.'),
    stringField('managed_image_storage_account_type', 'Storage type of the managed image.', {
      default: 'Standard_LRS',
      enum: ['Standard_LRS', 'Premium_LRS'],
    }),
    stringField('managed_image_os_disk_snapshot_name', 'Also snapshot the OS disk under this name.'),
    stringField('managed_image_data_disk_snapshot_prefix', 'Also snapshot the data disks, with names starting with this.'),
    boolField('managed_image_zone_resilient', 'Store the managed image zone-redundantly.', { default: false }),
    stringMapField('azure_tags', 'Tags put on the resources Packer creates and the image.'),
    nameValueBlock('azure_tag', 'A tag put on the resources Packer creates and the image (one block per tag).'),
    stringField('resource_group_name', 'Resource group of the storage account, for VHD output.'),
    stringField('storage_account', 'Storage account the VHD is captured into.'),
    stringField('temp_compute_name', 'Name of the temporary VM; random by default.'),
    stringField('temp_resource_group_name', 'Name of the temporary resource group; random by default.'),
    stringField('build_resource_group_name', 'Existing resource group to build in instead of a temporary one.'),
    notYet(stringField('build_key_vault_name', 'Name of the temporary key vault (Windows builds).')),
    notYet(stringField('build_key_vault_sku', 'SKU of the temporary key vault.', { default: 'standard' })),
    boolField('private_virtual_network_with_public_ip', 'Give the VM a public IP even inside an existing virtual network.', {
      default: false,
    }),
    stringField('virtual_network_name', 'Existing virtual network to put the VM in.'),
    stringField('virtual_network_subnet_name', 'Subnet of that virtual network.'),
    stringField('virtual_network_resource_group_name', 'Resource group of that virtual network.'),
    stringField('custom_data_file', 'Local file passed to the VM as custom data (cloud-init).'),
    stringField('custom_data', 'Custom data (cloud-init) passed to the VM.'),
    stringField('public_ip_sku', 'SKU of the temporary public IP, "Basic" or "Standard".', { default: 'Standard' }),
    boolField('skip_create_image', 'Build and provision the VM but capture no image.', { default: false }),
    stringField('temp_nic_name', 'Name of the temporary network interface; random by default.'),
    stringField('temp_os_disk_name', 'Name of the temporary OS disk; random by default.'),
    blockField(
      'plan_info',
      'Marketplace purchase plan of the source image.',
      [
        stringField('plan_name', 'Plan name.'),
        stringField('plan_product', 'Plan product.'),
        stringField('plan_publisher', 'Plan publisher.'),
        stringField('plan_promotion_code', 'Plan promotion code.'),
      ],
      false,
    ),
    durationField('polling_duration_timeout', 'How long to wait for long-running Azure operations.', { default: '15m' }),
    stringField('os_type', 'Operating system of the image, "Linux" or "Windows".', { required: true }),
    numberField('os_disk_size_gb', 'Size of the OS disk in GB; by default the image\'s.'),
    field('disk_additional_size', { list: 'number' }, 'Sizes in GB of data disks to attach.'),
    stringField('disk_caching_type', 'Caching of the OS disk.', { default: 'ReadWrite', enum: ['None', 'ReadOnly', 'ReadWrite'] }),
    notYet(stringListField('allowed_inbound_ip_addresses', 'Addresses allowed to reach the VM\'s communicator port.')),
    notYet(stringField('boot_diag_storage_account', 'Storage account URI for boot diagnostics.')),
    stringField('custom_resource_build_prefix', 'Prefix of the temporary resources\' names.'),
    boolField('async_resourcegroup_delete', 'Do not wait for the temporary resource group to be deleted.', { default: false }),
  ],
  messages: {
    required: { os_type: 'An os_type must be specified' },
    enum: {
      ...COMMUNICATOR_ENUM_MESSAGES,
      managed_image_storage_account_type: 'The managed_image_storage_account_type %q is invalid',
      disk_caching_type: 'The disk_caching_type %q is invalid',
    },
  },
};

/** Every spelling of a cloud Packer accepts, upper-cased (it compares case-insensitively). */
const CLOUD_NAMES = ['CHINA', 'GERMAN', 'GERMANY', 'PUBLIC', 'USGOVERNMENT'].flatMap((n) => [n, `${n}CLOUD`, `AZURE${n}CLOUD`]);

/** Prepare's cross-field rules, in Packer's order, with its messages. */
const azureChecks: Check = (c) => {
  const cloud = c.string('cloud_environment_name');
  if (cloud !== '' && !CLOUD_NAMES.includes(cloud.toUpperCase())) {
    // Packer stops preparing at this error, so nothing else is reported with it.
    return [problem(`There is no cloud environment matching the name '${cloud}'!`, 'cloud_environment_name')];
  }
  const out: CheckProblem[] = [];
  const set = (n: string): boolean => c.isSet(n);
  const add = (message: string, field?: string): void => {
    out.push(problem(message, field));
  };
  if (!set('capture_container_name') && !set('managed_image_name')) add('A capture_container_name or managed_image_name must be specified');
  if (!set('capture_name_prefix') && !set('managed_image_resource_group_name')) {
    add('A capture_name_prefix or managed_image_resource_group_name must be specified');
  }
  const vhdOut = set('capture_name_prefix') || set('capture_container_name');
  const managedOut = set('managed_image_resource_group_name') || set('managed_image_name');
  if (vhdOut && managedOut) {
    add(
      'Either a VHD or a managed image can be built, but not both. Please specify either capture_container_name and capture_name_prefix or managed_image_resource_group_name and managed_image_name.',
    );
  }
  if (set('capture_container_name') && !set('capture_name_prefix')) add('A capture_name_prefix must be specified');
  if (set('temp_resource_group_name') && set('build_resource_group_name')) {
    add('The settings temp_resource_group_name and build_resource_group_name cannot both be defined.  Please define one or neither.');
  }
  const gallery = c.blocks('shared_image_gallery')[0];
  const isImageUrl = set('image_url');
  const isCustom = set('custom_managed_image_name') || set('custom_managed_image_resource_group_name');
  const isGallery = gallery?.isSet('gallery_name') ?? false;
  const isPlatform = set('image_publisher') || set('image_offer') || set('image_sku');
  if ([isImageUrl, isCustom, isPlatform, isGallery].filter(Boolean).length > 1) {
    add(
      'Specify either a VHD (image_url), Image Reference (image_publisher, image_offer, image_sku), a Managed Disk (custom_managed_disk_image_name, custom_managed_disk_resource_group_name), or a Shared Gallery Image (shared_image_gallery)',
    );
  }
  if (isImageUrl && set('managed_image_resource_group_name')) {
    add('A managed image must be created from a managed image, it cannot be created from a VHD.');
  }
  if (gallery && isGallery) {
    if (!gallery.isSet('subscription')) add('A shared_image_gallery.subscription must be specified');
    if (!gallery.isSet('resource_group')) add('A shared_image_gallery.resource_group must be specified');
    if (!gallery.isSet('image_name')) add('A shared_image_gallery.image_name must be specified');
  } else if (!isImageUrl && !set('custom_managed_image_name')) {
    if (!set('image_publisher')) add('An image_publisher must be specified');
    if (!set('image_offer')) add('An image_offer must be specified');
    if (!set('image_sku')) add('An image_sku must be specified');
  } else if (!isImageUrl && !set('image_publisher')) {
    if (!set('custom_managed_image_resource_group_name')) add('A custom_managed_image_resource_group_name must be specified');
    if (!set('custom_managed_image_name')) add('A custom_managed_image_name must be specified');
    if (!set('managed_image_resource_group_name')) add('A managed_image_resource_group_name must be specified');
    if (!set('managed_image_name')) add('A managed_image_name must be specified');
  } else if (set('image_publisher') || set('image_offer') || set('image_sku') || set('image_version')) {
    add('An image_url must not be specified if image_publisher, image_offer, image_sku, or image_version is specified');
  }
  const vhdStorage = set('storage_account') || set('resource_group_name');
  if (vhdStorage === managedOut) {
    add('Specify either a VHD (storage_account and resource_group_name) or Managed Image (managed_image_resource_group_name and managed_image_name) output');
  }
  if (set('location') === set('build_resource_group_name')) {
    add('Specify either a location to create the resource group in or an existing build_resource_group_name, but not both.');
  }
  if (!set('managed_image_name') && !set('managed_image_resource_group_name')) {
    if (!set('storage_account')) add('A storage_account must be specified');
    if (!set('resource_group_name')) add('A resource_group_name must be specified');
  }
  if (!set('virtual_network_name') && set('virtual_network_resource_group_name')) {
    add('If virtual_network_resource_group_name is specified, so must virtual_network_name', 'virtual_network_resource_group_name');
  }
  if (!set('virtual_network_name') && set('virtual_network_subnet_name')) {
    add('If virtual_network_subnet_name is specified, so must virtual_network_name', 'virtual_network_subnet_name');
  }
  if (set('allowed_inbound_ip_addresses') && set('virtual_network_name')) {
    add('If virtual_network_name is specified, allowed_inbound_ip_addresses cannot be specified', 'allowed_inbound_ip_addresses');
  }
  const plan = c.blocks('plan_info')[0];
  if (plan) {
    const any = ['plan_name', 'plan_product', 'plan_publisher', 'plan_promotion_code'].some((n) => plan.isSet(n));
    const all = ['plan_name', 'plan_product', 'plan_publisher'].every((n) => plan.isSet(n));
    if (any && !all) {
      add('if either plan_name, plan_product, plan_publisher, or plan_promotion_code are defined then plan_name, plan_product, and plan_publisher must be defined', 'plan_info');
    }
  }
  const os = c.string('os_type');
  if (os !== '' && !['linux', 'windows'].includes(os.toLowerCase())) add(`The os_type ${JSON.stringify(os)} is invalid`, 'os_type');
  return out;
};

// Azure fills in ssh_username ("packer") itself, so the shared communicator checks do not apply.
/**
 * Rules on settings the azure plugin gained after Packer 1.6.6, in v2.6.3's words (builder/azure/arm/config.go,
 * assertRequiredParametersSet). The plugin's other new rules (gallery sources, confidential VMs, tags) are not ported yet: Bakehouse refuses those settings.
 */
const azureChecksSince166: Check = (c) => {
  const out = [];
  const sku = c.string('public_ip_sku');
  if (sku !== '') {
    if (c.isSet('virtual_network_name')) {
      out.push(problem('If virtual_network_name is specified, public_ip_sku cannot be specified, since a new network will not be created', 'public_ip_sku'));
    }
    if (!['basic', 'standard'].includes(sku.toLowerCase())) {
      out.push(problem(`The provided value of ${JSON.stringify(sku)} for public_ip_sku does not match the allowed values of "Basic" or "Standard"`, 'public_ip_sku'));
    }
  }
  if (c.isSet('user_data') && c.isSet('user_data_file')) out.push(problem('Only one of user_data or user_data_file can be specified.', 'user_data_file'));
  if (c.isSet('custom_data') && c.isSet('custom_data_file')) out.push(problem('Only one of custom_data or custom_data_file can be specified.', 'custom_data_file'));
  const luns = c.strings('disk_additional_luns').map(Number);
  if (luns.length > 0) {
    const sizes = c.strings('disk_additional_size');
    if (sizes.length === 0) out.push(problem('disk_additional_luns requires disk_additional_size to be specified', 'disk_additional_luns'));
    else if (luns.length !== sizes.length) {
      out.push(problem(`disk_additional_luns must have the same number of entries as disk_additional_size (disk_additional_luns = ${luns.length}, disk_additional_size = ${sizes.length})`, 'disk_additional_luns'));
    }
    const seen = new Set<number>();
    for (const lun of luns) {
      if (lun < 0) out.push(problem(`disk_additional_luns values must be non-negative, got ${lun}`, 'disk_additional_luns'));
      if (seen.has(lun)) out.push(problem(`disk_additional_luns contains duplicate LUN ${lun}`, 'disk_additional_luns'));
      seen.add(lun);
    }
  }
  const spot = c.blocks('spot')[0];
  if (spot) {
    const policy = spot.string('eviction_policy');
    if (policy !== '' && policy !== 'Delete' && policy !== 'Deallocate') {
      out.push({ ...problem(`The spot.eviction_policy ${JSON.stringify(policy)} is invalid, eviction_policy must be "Delete", "Deallocate", or unset`, 'spot'), ...(spot.range ? { range: spot.range } : {}) });
    } else if (policy === '' && (spot.number('max_price') ?? 0) !== 0) {
      out.push({ ...problem('Setting a spot.max_price without an spot.eviction_policy is invalid, eviction_policy must be "Delete" or "Deallocate" if max_price is set', 'spot'), ...(spot.range ? { range: spot.range } : {}) });
    }
  }
  const sig = c.blocks('shared_image_gallery_destination')[0];
  if (sig) {
    const targets = sig.blocks('target_region');
    const where = sig.range ? { range: sig.range } : {};
    if (targets.length > 0 && sig.strings('replication_regions').length > 0) {
      out.push({ ...problem('`replicated_regions` can not be defined alongside `target_region`; you can define a target_region for each destination region you wish to replicate to.', 'shared_image_gallery_destination'), ...where });
    }
    if (targets.length > 0 && (c.number('shared_image_gallery_replica_count') ?? 0) !== 0) {
      out.push(problem('`shared_image_gallery_replica_count` can not be defined alongside `target_region`; you can define `replicas` inside each target_region block to set the number replicas for each region', 'shared_image_gallery_replica_count'));
    }
  }
  const controller = c.string('disk_controller_type');
  if (controller !== '' && !['scsi', 'nvme'].includes(controller.toLowerCase())) {
    out.push(problem(`The disk_controller_type ${JSON.stringify(controller)} is invalid, the valid values are SCSI and NVMe`, 'disk_controller_type'));
  }
  const license = c.string('license_type');
  const os = c.string('os_type').toLowerCase();
  if (license !== '' && os === 'linux' && !['rhel_byos', 'sles_byos'].includes(license.toLowerCase())) {
    out.push(problem(`The license_type ${JSON.stringify(license)} is invalid for Linux, only RHEL_BYOS or SLES_BYOS are supported`, 'license_type'));
  }
  if (license !== '' && os === 'windows' && !['windows_client', 'windows_server'].includes(license.toLowerCase())) {
    out.push(problem(`The license_type ${JSON.stringify(license)} is invalid for Windows, use Windows_Client or Windows_Server`, 'license_type'));
  }
  return out;
};

export const azureArmBuilderChecks: Check[] = [azureChecks, azureChecksSince166];
