/**
 * amazon-import (packer-plugin-amazon's post-processor/import): the artifact's disk file of the chosen format goes to
 * S3 through the upload post-processor's S3 code (lib-storage multipart, SHA-256 checked), EC2 imports it
 * (import-image.ts), the AMI is renamed, tagged and shared as asked (finish-ami.ts), and the uploaded object is deleted
 * unless skip_clean. The artifact is Packer's amazon artifact (`region:ami-id`) under this post-processor's id; the input
 * is not kept by default, as Packer's answers.
 *
 * Beyond Packer: when the import fails or the build is cancelled after the upload, the object (unless skip_clean) and
 * any AMI this post-processor made are removed, rather than left in the account as Packer leaves them.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import { amiArtifact } from '../../builders/amazon-ebs/artifact';
import { destroyAmi } from '../../builders/amazon-ebs/ami';
import { Ec2Driver } from '../../builders/amazon-ebs/driver';
import { createMasker } from '../../engine/mask';
import { fillPlaceholders } from '../../engine/placeholders';
import type { PostProcessContext, PostProcessorPlugin, PostProcessResult } from '../../engine/plugin';
import type { Artifact } from '../../engine/artifact';
import { fileProgress } from '../upload/progress';
import type { S3Target } from '../upload/s3';
import { startImport, waitForImport } from './import-image';
import { modifyAmiAttributes, renameAmi, tagAmi } from './finish-ami';
import { readImportSettings, type ImportSettings } from './settings';

export const AMAZON_IMPORT_BUILDER_ID = 'packer.post-processor.amazon-import';

/** How long the removal of a failed import's leftovers may take once the build's own signal has been aborted. */
const CLEANUP_TIMEOUT_MS = 60_000;

export const amazonImportPostProcessor: PostProcessorPlugin = {
  type: 'amazon-import',
  prepare(config) {
    const settings = readImportSettings(config);
    if (!settings.ok) return settings;
    return { ok: true, value: { postProcess: (ctx, input) => importArtifact(settings.value, ctx, input) } };
  },
};

/** Packer renders s3_key_name only now, with the build's generated data; `{{timestamp}}` is the time of the upload. */
function objectKey(template: string, ctx: PostProcessContext): string {
  const withTime = template.replace(/\{\{-?\s*timestamp\s*-?\}\}/g, String(Math.floor(Date.now() / 1000)));
  return fillPlaceholders(withTime, { ...ctx.generated, BuildName: ctx.build.name, BuilderType: ctx.build.builderType });
}

async function importArtifact(s: ImportSettings, ctx: PostProcessContext, input: Artifact): Promise<Result<PostProcessResult>> {
  const { ui, signal, build } = ctx;
  const env = build.env;
  const mask = createMasker([s.access.secretKey, s.access.token, env.AWS_SECRET_ACCESS_KEY ?? '', env.AWS_SECRET_KEY ?? '', env.AWS_SESSION_TOKEN ?? '']);
  const key = objectKey(s.keyTemplate, ctx);
  const source = input.files.find((f) => f.endsWith(`.${s.format}`));
  if (source === undefined) return err(`No ${s.format} image file found in artifact from builder`);
  const path = resolve(build.cwd, source);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    return err(`Failed to open ${source}: ${(e as Error).message}`);
  }
  if (s.s3Encryption === 'AES256' && s.s3EncryptionKey !== '') ui.say(`Ignoring s3_encryption_key because s3_encryption is set to '${s.s3Encryption}'`);

  const { s3Target } = await import('../upload/s3');
  const encryption = {
    ...(s.s3Encryption !== '' ? { serverSideEncryption: s.s3Encryption } : {}),
    ...(s.s3Encryption === 'aws:kms' && s.s3EncryptionKey !== '' ? { kmsKeyId: s.s3EncryptionKey } : {}),
  };
  const target = await s3Target({ kind: 's3', bucket: s.bucket, prefix: '' }, s.access, env, signal, encryption);
  if (!target.ok) return err(mask.text(target.error));
  const ec2 = await Ec2Driver.create(s.access, env);
  if (!ec2.ok) {
    target.value.close();
    return err(mask.text(ec2.error));
  }
  const left: Leftovers = { object: false, amis: [] };
  try {
    const done = await run(s, ctx, { s3: target.value, ec2: ec2.value, key, source, path, size, left });
    if (!done.ok) await removeLeftovers(s, ui, target.value, ec2.value, key, left, signal.aborted);
    return done.ok ? done : err(signal.aborted ? CANCELLED : mask.text(done.error));
  } finally {
    target.value.close();
  }
}

/** What a failed import would leave behind: the uploaded object and the AMIs made so far. */
interface Leftovers {
  object: boolean;
  amis: string[];
}

interface Run {
  s3: S3Target;
  ec2: Ec2Driver;
  key: string;
  source: string;
  path: string;
  size: number;
  left: Leftovers;
}

async function run(s: ImportSettings, { ui, signal, build }: PostProcessContext, r: Run): Promise<Result<PostProcessResult>> {
  const where = `s3://${s.bucket}/${r.key}`;
  ui.say(`Uploading ${r.source} to ${where}`);
  r.left.object = true;
  const sent = await r.s3.send({ path: r.path, name: r.key, size: r.size }, fileProgress(ui, basename(r.source), r.size), signal);
  if (!sent.ok) return err(`Failed to upload ${r.source}: ${sent.error}`);
  ui.say(`Completed upload of ${r.source} to ${where}`);

  const task = await startImport(r.ec2, s, r.key, ui, signal);
  if (!task.ok) return task;
  ui.say(`Started import of ${where}, task id ${task.value}`);
  ui.say(`Waiting for task ${task.value} to complete (may take a while)`);
  const imported = await waitForImport(r.ec2, task.value, build.env, signal);
  if (!imported.ok) return imported;
  r.left.amis.push(imported.value);
  ui.say(`Import task ${task.value} complete`);

  let ami = imported.value;
  if (s.amiName !== '') {
    const renamed = await renameAmi(r.ec2, ami, s, ui, build.env, signal, (copy) => r.left.amis.push(copy));
    if (!renamed.ok) return renamed;
    r.left.amis = r.left.amis.filter((id) => id !== ami);
    ami = renamed.value;
  }
  const tagged = await tagAmi(r.ec2, ami, s.tags, ui, signal);
  if (!tagged.ok) return tagged;
  const modified = await modifyAmiAttributes(r.ec2, ami, s, ui, signal);
  if (!modified.ok) return modified;
  // The AMI is the artifact from here on: a failure to delete the object must not take it away.
  r.left.amis = [];

  const artifact = amiArtifact({ [r.ec2.region]: ami }, r.ec2, {}, AMAZON_IMPORT_BUILDER_ID);
  if (!s.skipClean) {
    ui.say(`Deleting import source ${where}`);
    const removed = await r.s3.remove(r.key, signal);
    if (!removed.ok) return err(signal.aborted ? CANCELLED : `Failed to delete ${where}: ${removed.error}`);
  }
  return ok({ artifact, keep: false, forceOverride: false });
}

/** A failed or cancelled import's leftovers, removed with a signal of their own (the build's may be the aborted one). */
async function removeLeftovers(s: ImportSettings, ui: PostProcessContext['ui'], s3: S3Target, ec2: Ec2Driver, key: string, left: Leftovers, cancelled: boolean): Promise<void> {
  const why = cancelled ? 'the build was cancelled' : 'the import failed';
  const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
  for (const ami of left.amis) {
    ui.say(`Deregistering AMI ${ami} and deleting its snapshots because ${why}`);
    const r = await destroyAmi(ec2, ami, true);
    if (!r.ok) ui.error(r.error);
  }
  if (left.object && !s.skipClean) {
    ui.say(`Deleting import source s3://${s.bucket}/${key} because ${why}`);
    const r = await s3.remove(key, signal);
    if (!r.ok) ui.error(`Failed to delete s3://${s.bucket}/${key}: ${r.error}`);
  }
}
