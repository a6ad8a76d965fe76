// Generated from github.com/hashicorp/packer-plugin-salt v1.0.0 (its *.hcl2spec.go; shared types from github.com/hashicorp/packer-plugin-sdk v0.2.7).
// Do not edit: change scripts/plugin-versions.json and run `node --import tsx scripts/generate-schemas.ts salt`.
import type { GeneratedPlugin } from './types';

export const saltPlugin: GeneratedPlugin = {
  name: 'salt',
  module: 'github.com/hashicorp/packer-plugin-salt',
  version: 'v1.0.0',
  components: [
    {
      kind: 'provisioner',
      type: 'salt-masterless',
      source: 'github.com/hashicorp/packer-plugin-salt/provisioner/salt-masterless.FlatConfig',
      fields: [
        { name: 'packer_build_name', type: 'string' },
        { name: 'packer_builder_type', type: 'string' },
        { name: 'packer_core_version', type: 'string' },
        { name: 'packer_debug', type: 'bool' },
        { name: 'packer_force', type: 'bool' },
        { name: 'packer_on_error', type: 'string' },
        { name: 'packer_user_variables', type: { map: 'string' } },
        { name: 'packer_sensitive_variables', type: { list: 'string' } },
        { name: 'skip_bootstrap', type: 'bool' },
        { name: 'bootstrap_args', type: 'string' },
        { name: 'disable_sudo', type: 'bool' },
        { name: 'custom_state', type: 'string' },
        { name: 'minion_config', type: 'string' },
        { name: 'grains_file', type: 'string' },
        { name: 'local_state_tree', type: 'string' },
        { name: 'local_pillar_roots', type: 'string' },
        { name: 'remote_state_tree', type: 'string' },
        { name: 'remote_pillar_roots', type: 'string' },
        { name: 'temp_config_dir', type: 'string' },
        { name: 'no_exit_on_failure', type: 'bool' },
        { name: 'log_level', type: 'string' },
        { name: 'salt_call_args', type: 'string' },
        { name: 'salt_bin_dir', type: 'string' },
        { name: 'guest_os_type', type: 'string' },
        { name: 'formulas', type: { list: 'string' } },
      ],
    },
  ],
};
