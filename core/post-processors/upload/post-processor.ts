/**
 * upload (Bakehouse's own; Packer has no equivalent): sends each file of the input artifact to S3 or Azure Blob storage
 * under the destination's prefix by its base name, one file after another with its parts in parallel, checks what the
 * service stored against the file, and passes on an artifact of the objects' URLs. The input's files are kept by default.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import { readAccessSettings } from '../../cloud/aws/access';
import { ConfigFields } from '../../engine/config-fields';
import { createMasker } from '../../engine/mask';
import type { PostProcessorPlugin } from '../../engine/plugin';
import { uploadArtifact } from './artifact';
import { blobAuth, type PrincipalFields } from './blob-auth';
import { displayDestination, parseDestination, type Destination } from './destination';
import { fileProgress, formatBytes } from './progress';
import type { LocalFile, StorageTarget, UploadedFile } from './transport';

export const uploadPostProcessor: PostProcessorPlugin = {
  type: 'upload',
  prepare(config) {
    const f = new ConfigFields(config, 'upload');
    const parsed = parseDestination(f.string('destination'));
    const access = readAccessSettings(f);
    const sasToken = f.string('sas_token');
    // A bound azure credential fills these (core/credentials/inject.ts), as a bound amazon one fills the S3 fields.
    const principal = {
      tenantId: f.string('tenant_id'),
      clientId: f.string('client_id'),
      clientSecret: f.string('client_secret'),
      clientCertPath: f.string('client_cert_path'),
      clientCertPassword: f.string('client_cert_password'),
      useAzureCliAuth: f.bool('use_azure_cli_auth'),
    };
    if (!parsed.ok) f.error(parsed.error);
    if (access.accessKey !== '' && access.secretKey === '') f.error('secret_key: required with access_key');
    if (access.secretKey !== '' && access.accessKey === '') f.error('access_key: required with secret_key');
    if (parsed.ok && parsed.value.kind === 's3' && sasToken !== '') f.error('sas_token: applies to Blob destinations only, not s3://');
    // A bound amazon credential fills the S3 fields of every upload of its build (core/credentials/inject.ts), so a Blob
    // destination leaves them unread here rather than failing; written in the template, validation refuses them.
    if (f.errors.length > 0 || !parsed.ok) return err(f.errors);
    const destination = parsed.value;
    return {
      ok: true,
      value: {
        async postProcess({ ui, signal, build }, input) {
          const env = build.env;
          const secrets = [access.secretKey, access.token, sasToken, principal.clientSecret, principal.clientCertPassword, destination.kind === 'blob' ? destination.sas : ''];
          const target = await connect(destination, { access, sasToken, principal, env, signal });
          if (!target.ok) return err(createMasker(secrets).text(target.error));
          const mask = createMasker([...secrets, ...target.value.secrets]);
          const files = await localFiles(input.files, build.cwd, input.builderId);
          if (!files.ok) return files;
          const shown = displayDestination(destination);
          ui.say(`Uploading ${files.value.length === 1 ? '1 file' : `${files.value.length} files`} to ${shown}`);
          const uploaded: UploadedFile[] = [];
          try {
            for (const file of files.value) {
              if (signal.aborted) return err(CANCELLED);
              ui.message(`Uploading ${file.name} (${formatBytes(file.size)})`);
              const sent = await target.value.storage.send(file, fileProgress(ui, file.name, file.size), signal);
              if (!sent.ok) return err(mask.text(sent.error));
              ui.message(mask.text(`${file.name}: SHA-256 ${sent.value.sha256} checked against ${sent.value.checkedBy}`));
              ui.message(mask.text(`${file.name} => ${sent.value.url}`));
              uploaded.push(sent.value);
            }
          } finally {
            target.value.storage.close();
          }
          return ok({ artifact: uploadArtifact(shown, uploaded), keep: true, forceOverride: false });
        },
      },
    };
  },
};

interface Connection {
  storage: StorageTarget;
  /** Secrets the chosen credential holds beyond the template's fields (a connection string's key), to mask. */
  secrets: string[];
}

async function connect(
  destination: Destination,
  opts: { access: ReturnType<typeof readAccessSettings>; sasToken: string; principal: PrincipalFields; env: Record<string, string | undefined>; signal: AbortSignal },
): Promise<Result<Connection>> {
  if (destination.kind === 's3') {
    const { s3Target } = await import('./s3');
    const storage = await s3Target(destination, opts.access, opts.env, opts.signal);
    const envSecrets = [opts.env.AWS_SECRET_ACCESS_KEY ?? '', opts.env.AWS_SECRET_KEY ?? '', opts.env.AWS_SESSION_TOKEN ?? ''];
    return storage.ok ? ok({ storage: storage.value, secrets: envSecrets }) : storage;
  }
  const auth = blobAuth(destination, opts.sasToken, opts.env, opts.principal);
  if (!auth.ok) return auth;
  const { blobTarget } = await import('./blob');
  const storage = await blobTarget(destination, auth.value, opts.access.maxRetries, opts.env);
  return storage.ok ? ok({ storage: storage.value, secrets: auth.value.secrets }) : storage;
}

/** The artifact's files as the upload sends them: regular files, each base name once (they share one prefix). */
async function localFiles(files: readonly string[], cwd: string, builderId: string): Promise<Result<LocalFile[]>> {
  if (files.length === 0) return err(`upload: the artifact from ${builderId} has no files to upload`);
  const out: LocalFile[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const path = resolve(cwd, file);
    const name = basename(path);
    const earlier = seen.get(name);
    if (earlier !== undefined) return err(`upload: ${earlier} and ${file} would both be stored as "${name}" under the destination's prefix`);
    seen.set(name, file);
    let info;
    try {
      info = await stat(path);
    } catch (e) {
      return err(`upload: cannot read ${file}: ${(e as Error).message}`);
    }
    if (!info.isFile()) return err(`upload: ${file} is not a regular file; upload sends files (compress a directory first)`);
    out.push({ path, name, size: info.size });
  }
  return ok(out);
}
