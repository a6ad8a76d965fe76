/**
 * The connection settings Packer adds to every builder that talks to its machine: which communicator to use
 * (none, ssh, winrm, docker) and every ssh_* / winrm_* field. Declared once; builders spread them into their schemas.
 */
import { pathProblems, problem, type Check, type CheckProblem } from '../components/checks';
import { expandUser } from '../components/files';
import { ok } from '../common/result';
import {
  boolField,
  durationField,
  field,
  numberField,
  stringField,
  stringListField,
} from '../components/fields';
import type { FieldSpec } from '../components/schema';

export const COMMUNICATOR_TYPES = ['none', 'ssh', 'winrm', 'docker', 'dockerWindowsContainer'];

export const SSH_FIELDS: FieldSpec[] = [
  stringField('ssh_host', 'Address to connect to; by default the builder finds out the machine\'s address itself.'),
  numberField('ssh_port', 'TCP port the SSH server listens on.', { default: 22 }),
  stringField('ssh_username', 'User to log in as over SSH.'),
  stringField('ssh_password', 'Password for SSH password authentication.', { sensitive: true }),
  stringField('ssh_keypair_name', 'Name of an existing cloud key pair to use instead of a temporary one.'),
  stringField('temporary_key_pair_name', 'Name for the key pair Packer creates for this build.'),
  stringField('temporary_key_pair_type', 'Algorithm of the temporary key pair.', { default: 'rsa', enum: ['rsa', 'dsa', 'ecdsa', 'ed25519'] }),
  numberField('temporary_key_pair_bits', 'Key size in bits for the temporary key pair.'),
  stringListField('ssh_ciphers', 'SSH ciphers to offer, in order of preference.'),
  boolField('ssh_clear_authorized_keys', 'Remove the temporary public key from authorized_keys when the build ends.', { default: false }),
  stringListField('ssh_key_exchange_algorithms', 'Key exchange algorithms to offer, in order of preference.'),
  stringField('ssh_private_key_file', 'Path to a private key file used to authenticate.'),
  // Packer's internal field for the key's bytes: no template writes it, a bound ssh credential fills it (core/credentials/inject.ts).
  field('ssh_private_key', { list: 'number' }, 'The private key itself, as bytes.', { sensitive: true, undocumented: true }),
  stringField('ssh_certificate_file', 'Path to a user certificate signed for the private key.'),
  boolField('ssh_pty', 'Request a pseudo-terminal for remote commands.', { default: false }),
  durationField('ssh_timeout', 'How long to keep trying to connect before giving up.', { default: '5m' }),
  durationField('ssh_wait_timeout', 'Older name for ssh_timeout.', { deprecated: 'Use ssh_timeout.' }),
  boolField('ssh_agent_auth', 'Authenticate with keys from the local SSH agent.', { default: false }),
  boolField('ssh_disable_agent_forwarding', 'Do not forward the local SSH agent to the machine.', { default: false }),
  numberField('ssh_handshake_attempts', 'How many SSH handshakes to attempt before giving up.', { default: 10 }),
  stringField('ssh_bastion_host', 'Jump host to connect through.'),
  numberField('ssh_bastion_port', 'SSH port of the jump host.', { default: 22 }),
  boolField('ssh_bastion_agent_auth', 'Authenticate to the jump host with the local SSH agent.', { default: false }),
  stringField('ssh_bastion_username', 'User on the jump host.'),
  stringField('ssh_bastion_password', 'Password for the jump host.', { sensitive: true }),
  boolField('ssh_bastion_interactive', 'Use keyboard-interactive authentication on the jump host.', { default: false }),
  stringField('ssh_bastion_private_key_file', 'Private key file for the jump host.'),
  stringField('ssh_bastion_certificate_file', 'Certificate file for the jump host\'s private key.'),
  stringField('ssh_file_transfer_method', 'How files are copied over SSH.', { default: 'scp', enum: ['scp', 'sftp'] }),
  stringField('ssh_proxy_host', 'SOCKS proxy to connect through.'),
  numberField('ssh_proxy_port', 'Port of the SOCKS proxy.', { default: 1080 }),
  stringField('ssh_proxy_username', 'User for the SOCKS proxy.'),
  stringField('ssh_proxy_password', 'Password for the SOCKS proxy.', { sensitive: true }),
  durationField('ssh_keep_alive_interval', 'How often to send keep-alive messages; "-1s" turns them off.', { default: '5s' }),
  durationField('ssh_read_write_timeout', 'Abort an SSH read or write that stalls this long; 0 means never.', { default: '0' }),
  stringListField('ssh_remote_tunnels', 'Remote port forwards, written as in ssh -R.'),
  stringListField('ssh_local_tunnels', 'Local port forwards, written as in ssh -L.'),
];

export const WINRM_FIELDS: FieldSpec[] = [
  stringField('winrm_username', 'User to log in as over WinRM.'),
  stringField('winrm_password', 'Password for the WinRM user.', { sensitive: true }),
  stringField('winrm_host', 'Address to connect to; by default the builder finds out the machine\'s address itself.'),
  boolField('winrm_no_proxy', 'Connect directly, ignoring proxy environment variables.', { default: false }),
  numberField('winrm_port', 'WinRM port; 5985, or 5986 with SSL.'),
  durationField('winrm_timeout', 'How long to keep trying to connect before giving up.', { default: '30m' }),
  boolField('winrm_use_ssl', 'Connect over HTTPS.', { default: false }),
  boolField('winrm_insecure', 'Skip checking the server\'s TLS certificate.', { default: false }),
  boolField('winrm_use_ntlm', 'Authenticate with NTLM instead of basic authentication.', { default: false }),
];

/** Packer's wording for a bad communicator or file transfer method; builders merge it into their schema's enum messages. */
export const COMMUNICATOR_ENUM_MESSAGES: Record<string, string> = {
  communicator: 'Communicator type %s is invalid',
  ssh_file_transfer_method: "ssh_file_transfer_method ('%s') is invalid, valid methods: sftp, scp",
};

/** The communicator fields for a builder whose communicator defaults to `defaultType`. */
export function communicatorFields(defaultType = 'ssh'): FieldSpec[] {
  return [
    stringField('communicator', 'How Packer connects to the machine to provision it.', { default: defaultType, enum: COMMUNICATOR_TYPES }),
    durationField('pause_before_connecting', 'Wait this long after the machine is reachable before connecting.', { default: '0s' }),
    ...SSH_FIELDS,
    ...WINRM_FIELDS,
  ];
}

/** Prepare's communicator rules, with Packer's messages. */
export function communicatorChecks(defaultType = 'ssh'): Check {
  return (c) => {
    const type = c.string('communicator') || defaultType;
    if (c.isUnknown('communicator')) return [];
    const out: CheckProblem[] = [];
    if (type === 'ssh') {
      if (!c.isSet('ssh_username')) {
        out.push(problem('An ssh_username must be specified\n  Note: some builders used to default ssh_username to "root".'));
      }
      // Only where files are checked (a working directory given): the password database is on the disk too.
      const keyFile = c.files ? expandUser(c.string('ssh_private_key_file')) : ok('');
      if (!keyFile.ok) out.push(problem(`ssh_private_key_file is invalid: ${keyFile.error}`, 'ssh_private_key_file'));
      else {
        out.push(
          ...pathProblems(c, 'ssh_private_key_file', [keyFile.value], 'any', {
            missing: (_p, err) => `ssh_private_key_file is invalid: ${err}`,
          }),
        );
      }
      if (c.isSet('ssh_bastion_host') && !c.bool('ssh_bastion_agent_auth')) {
        if (!c.isSet('ssh_bastion_password') && !c.isSet('ssh_bastion_private_key_file') && !c.isSet('ssh_private_key_file')) {
          out.push(problem('ssh_bastion_password or ssh_bastion_private_key_file must be specified', 'ssh_bastion_host'));
        }
      }
      if (c.isSet('ssh_bastion_host') && c.isSet('ssh_proxy_host')) {
        out.push(problem('please specify either ssh_bastion_host or ssh_proxy_host, not both', 'ssh_proxy_host'));
      }
    } else if (type === 'winrm') {
      if (!c.isSet('winrm_username')) out.push(problem('winrm_username must be specified.'));
    }
    return out;
  };
}
