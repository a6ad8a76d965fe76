/**
 * The upload post-processor's configuration. Packer has no such post-processor: this is Bakehouse's own (the "Upload"
 * step after compress in the article the project started from), so no plugin spec declares its fields and the registry
 * serves this schema as written.
 */
import { problem, type Check } from '../../components/checks';
import { boolField, numberField, stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { parseDestination } from './destination';

/** The fields that only an s3:// destination reads (Packer's AWS AccessConfig names, as the amazon builders'). */
export const S3_ONLY_FIELDS = ['region', 'access_key', 'secret_key', 'token', 'profile', 'shared_credentials_file'] as const;
/** The fields that only a Blob destination reads: a service principal, named as the azure plugin's (and the azure credential's). */
export const BLOB_PRINCIPAL_FIELDS = ['tenant_id', 'client_id', 'client_secret', 'client_cert_path', 'client_cert_password', 'use_azure_cli_auth'] as const;

export const uploadPostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'upload',
  bakehouseOnly: true,
  description:
    "Bakehouse's own (Packer has no equivalent): sends each file of the artifact to S3 (s3://bucket/prefix/) or Azure Blob storage " +
    '(https://ACCOUNT.blob.core.windows.net/container/prefix/), under the prefix by its base name, checks it arrived intact, ' +
    'and passes on an artifact listing the object URLs.',
  fields: [
    stringField(
      'destination',
      's3://bucket/prefix/, https://ACCOUNT.blob.core.windows.net/container/prefix/ (a SAS query string may follow), or the ' +
        "emulator's http://127.0.0.1:PORT/ACCOUNT/container/prefix/.",
      { required: true },
    ),
    stringField('region', 'S3: the bucket\'s region; by default AWS_REGION, else us-east-1 (S3 redirects to the bucket\'s own).'),
    stringField('access_key', 'S3: AWS access key; by default a bound credential, the environment or shared credentials.', { sensitive: true }),
    stringField('secret_key', 'S3: AWS secret key, with access_key.', { sensitive: true }),
    stringField('token', 'S3: AWS session token for temporary credentials.', { sensitive: true }),
    stringField('profile', 'S3: profile of the shared credentials and config files.'),
    stringField('shared_credentials_file', 'S3: path of the shared credentials file, for profile.'),
    numberField('max_retries', 'Retries of each request (S3 part, Blob block) the service fails for a passing reason.', { default: 10 }),
    stringField(
      'sas_token',
      'Blob: a shared access signature (with read, create and write permissions: the upload reads the blob back to check it); by default the SAS in destination, else ' +
        'AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN from the environment.',
      { sensitive: true },
    ),
    stringField('tenant_id', 'Blob: tenant of the service principal (a bound azure credential fills these fields); by default AZURE_TENANT_ID.'),
    stringField('client_id', 'Blob: service principal (application) ID, with client_secret or client_cert_path; it needs a data role on the container (Storage Blob Data Contributor).'),
    stringField('client_secret', 'Blob: secret of the service principal.', { sensitive: true }),
    stringField('client_cert_path', 'Blob: certificate file (PEM) of the service principal.'),
    stringField('client_cert_password', "Blob: password of the certificate's private key.", { sensitive: true }),
    boolField('use_azure_cli_auth', 'Blob: use the account `az login` signed in.', { default: false }),
    stringField('subscription_id', 'Not used by upload (Blob storage needs no subscription); an azure credential carries it for builders.'),
  ],
};

const destinationCheck: Check = (c) => {
  if (c.isUnknown('destination') || !c.isSet('destination')) return [];
  const d = parseDestination(c.string('destination'));
  if (!d.ok) return [problem(d.error, 'destination')];
  if (d.value.kind === 's3' && c.isSet('sas_token')) return [problem('sas_token: applies to Blob destinations only, not s3://', 'sas_token')];
  const azureSet = d.value.kind === 's3' ? BLOB_PRINCIPAL_FIELDS.find((name) => c.isSet(name)) : undefined;
  if (azureSet) return [problem(`${azureSet}: applies to Blob destinations only, not s3://`, azureSet)];
  if (d.value.kind === 'blob') {
    const set = S3_ONLY_FIELDS.filter((name) => c.isSet(name));
    if (set.length > 0) return [problem(`${set[0]}: applies to s3:// destinations only`, set[0])];
  }
  return [];
};

const keyPairCheck: Check = (c) =>
  !c.isUnknown('access_key') && !c.isUnknown('secret_key') && c.isSet('access_key') !== c.isSet('secret_key')
    ? [problem('`access_key` and `secret_key` must both be either set or not set.', c.isSet('access_key') ? 'access_key' : 'secret_key')]
    : [];

export const uploadPostProcessorChecks: Check[] = [destinationCheck, keyPairCheck];
