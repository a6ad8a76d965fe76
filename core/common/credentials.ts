/**
 * The kinds of credential Bakehouse keeps and the fields of each, named as the Packer fields they fill, so a credential is
 * injected into a source's configuration as if the template had set them (issue 11's table). Plain data, so the CLI, the
 * vault's validation (`core/credentials/schema.ts`) and later the app's forms read the same definition.
 */
export const CREDENTIAL_KINDS = ['amazon', 'azure', 'google', 'docker', 'ssh', 'secret'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export function isCredentialKind(text: unknown): text is CredentialKind {
  return (CREDENTIAL_KINDS as readonly unknown[]).includes(text);
}

/** How a field's value is written: `multiline` text (a key file, a service-account JSON) is asked for as a file to read. */
export const CREDENTIAL_FIELD_TYPES = ['text', 'multiline', 'boolean', 'number', 'text-list', 'text-map', 'block'] as const;
export type CredentialFieldType = (typeof CREDENTIAL_FIELD_TYPES)[number];

export interface CredentialFieldSpec {
  name: string;
  type: CredentialFieldType;
  /** Never shown again once saved, masked wherever it could be printed. */
  secret: boolean;
  description: string;
  /** A block's own fields (`assume_role`); the first is the one the block requires. */
  fields?: readonly CredentialFieldSpec[];
}

/** One way to authenticate: the fields it needs and the ones it may add. A credential uses exactly one way of its kind. */
export interface CredentialWay {
  label: string;
  required: readonly string[];
  optional: readonly string[];
}

export interface CredentialKindSpec {
  description: string;
  fields: readonly CredentialFieldSpec[];
  ways: readonly CredentialWay[];
  /** Fields any way may add. */
  common: readonly string[];
}

const text = (name: string, description: string, secret = false): CredentialFieldSpec => ({ name, type: 'text', secret, description });
const multiline = (name: string, description: string): CredentialFieldSpec => ({ name, type: 'multiline', secret: true, description });

export const CREDENTIAL_KIND_SPECS: Readonly<Record<CredentialKind, CredentialKindSpec>> = {
  amazon: {
    description: 'AWS: access keys, or a profile of ~/.aws resolved by the SDK at build time',
    fields: [
      text('access_key', 'AWS access key ID.', true),
      text('secret_key', 'AWS secret access key.', true),
      text('token', 'Session token of temporary credentials.', true),
      text('profile', 'Profile in ~/.aws/credentials or ~/.aws/config (SSO and assume-role profiles included).'),
      {
        name: 'assume_role',
        type: 'block',
        secret: false,
        description: 'Assume this IAM role with the credential before building.',
        fields: [
          text('role_arn', 'ARN of the role to assume.'),
          text('session_name', 'Name of the assumed-role session.'),
          text('external_id', "External ID the role's trust policy expects."),
          { name: 'duration_seconds', type: 'number', secret: false, description: 'Lifetime of the session in seconds.' },
          text('policy', 'IAM policy (JSON) further limiting the session.'),
          { name: 'policy_arns', type: 'text-list', secret: false, description: 'Managed policies further limiting the session.' },
          { name: 'tags', type: 'text-map', secret: false, description: 'Session tags.' },
          { name: 'transitive_tag_keys', type: 'text-list', secret: false, description: 'Session tag keys passed on to chained roles.' },
        ],
      },
    ],
    ways: [
      { label: 'access_key and secret_key (and optionally token)', required: ['access_key', 'secret_key'], optional: ['token'] },
      { label: 'profile', required: ['profile'], optional: [] },
    ],
    common: ['assume_role'],
  },
  azure: {
    description: 'Azure: a service principal (secret or certificate), or the Azure CLI’s login',
    fields: [
      text('tenant_id', 'Azure AD tenant (directory) ID.'),
      text('client_id', 'Application (service principal) ID.'),
      text('client_secret', 'Secret of the service principal.', true),
      text('client_cert_path', 'Certificate file (PEM) of the service principal.'),
      text('client_cert_password', 'Password of the certificate’s private key, if it has one.', true),
      text('subscription_id', 'Subscription to build in.'),
      { name: 'use_azure_cli_auth', type: 'boolean', secret: false, description: 'Use the account `az login` signed in.' },
    ],
    ways: [
      { label: 'tenant_id, client_id, client_secret and subscription_id', required: ['tenant_id', 'client_id', 'client_secret', 'subscription_id'], optional: [] },
      {
        label: 'tenant_id, client_id, client_cert_path (and optionally client_cert_password) and subscription_id',
        required: ['tenant_id', 'client_id', 'client_cert_path', 'subscription_id'],
        optional: ['client_cert_password'],
      },
      { label: 'use_azure_cli_auth (and optionally subscription_id)', required: ['use_azure_cli_auth'], optional: ['subscription_id'] },
    ],
    common: [],
  },
  google: {
    description: 'Google Cloud: a service account’s JSON key, or an OAuth access token',
    fields: [multiline('account_file', 'Contents of the service account’s JSON key file.'), text('access_token', 'OAuth 2.0 access token.', true)],
    ways: [
      { label: 'account_file', required: ['account_file'], optional: [] },
      { label: 'access_token', required: ['access_token'], optional: [] },
    ],
    common: [],
  },
  docker: {
    description: 'A container registry login',
    fields: [
      text('login_server', 'Registry to log in to (Docker Hub when not set).'),
      text('login_username', 'User name at the registry.'),
      text('login_password', 'Password or token at the registry.', true),
      text('credential_helper', 'Docker credential helper that keeps the login for login_server (docker-credential-NAME), asked when the credential is used.'),
    ],
    ways: [
      { label: 'login_username and login_password (and optionally login_server)', required: ['login_username', 'login_password'], optional: ['login_server'] },
      { label: 'credential_helper and login_server', required: ['credential_helper', 'login_server'], optional: [] },
    ],
    common: [],
  },
  ssh: {
    description: 'An SSH key for the communicator',
    fields: [
      text('ssh_username', 'User to connect as.'),
      multiline('ssh_private_key', 'Contents of the private key file (OpenSSH or PEM).'),
      text('ssh_private_key_passphrase', 'Passphrase of the private key, if it has one.', true),
    ],
    ways: [{ label: 'ssh_username and ssh_private_key (and optionally ssh_private_key_passphrase)', required: ['ssh_username', 'ssh_private_key'], optional: ['ssh_private_key_passphrase'] }],
    common: [],
  },
  secret: {
    description: 'A value for a sensitive variable',
    fields: [text('value', 'The secret value.', true)],
    ways: [{ label: 'value', required: ['value'], optional: [] }],
    common: [],
  },
};

/** The outcome of testing a credential against its provider: when, whether it worked, and the provider's words. */
export interface CredentialTestResult {
  /** ISO 8601 time of the test. */
  at: string;
  ok: boolean;
  /** What the provider said: the identity it saw on success, its reason on failure. */
  message: string;
}

/** Where `credentials import` (and the app's Import) read credentials from: the files each tool writes (`core/credentials/import/`). */
export const CREDENTIAL_IMPORT_SOURCES = ['aws', 'docker', 'azure', 'google'] as const;
export type CredentialImportSource = (typeof CREDENTIAL_IMPORT_SOURCES)[number];

/** What `credentials list --json` prints for each credential: names and metadata, never a value. */
export interface CredentialSummary {
  name: string;
  kind: CredentialKind;
  /** Names of the fields that are set. */
  fields: string[];
  lastTest: CredentialTestResult | null;
  /** Templates that bind the credential. */
  usedBy: string[];
}
