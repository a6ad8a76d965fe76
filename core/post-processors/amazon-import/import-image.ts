/**
 * EC2's side of the import, as Packer's amazon-import drives it: ImportImage from the uploaded object (retried as Packer
 * retries it, since a just-uploaded object or a just-made vmimport role may not be visible to EC2 yet), then
 * DescribeImportImageTasks until the task is completed (Packer's own waiter: every 5 s, up to 720 times, unless
 * aws_polling or AWS_POLL_DELAY_SECONDS/AWS_MAX_ATTEMPTS say otherwise), in Packer's words when it is not.
 */
import type { ImportImageTask } from '@aws-sdk/client-ec2';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import type { Ec2Driver } from '../../builders/amazon-ebs/driver';
import { sleep } from '../../engine/retry';
import type { Ui } from '../../engine/plugin';
import type { ImportSettings } from './settings';

/** Packer's retry of ImportImage: 11 tries, waiting 200 ms more before each (at most 30 s). */
const IMPORT_TRIES = 11;
const IMPORT_BACKOFF_MS = 200;
const IMPORT_MAX_BACKOFF_MS = 30_000;

/** Packer's import waiter's defaults: an import often takes tens of minutes. */
const IMPORT_WAIT = { delaySeconds: 5, maxAttempts: 720 };

export async function startImport(ec2: Ec2Driver, s: ImportSettings, key: string, ui: Ui, signal: AbortSignal): Promise<Result<string>> {
  if (s.licenseType !== '') ui.say(`Setting license type to '${s.licenseType}'`);
  const input = {
    Encrypted: s.encrypt,
    DiskContainers: [{ Format: s.format, UserBucket: { S3Bucket: s.bucket, S3Key: key } }],
    Architecture: s.architecture,
    BootMode: s.bootMode,
    ...(s.platform !== '' ? { Platform: s.platform } : {}),
    ...(s.encrypt && s.kmsKey !== '' ? { KmsKeyId: s.kmsKey } : {}),
    ...(s.roleName !== '' ? { RoleName: s.roleName } : {}),
    ...(s.licenseType !== '' ? { LicenseType: s.licenseType } : {}),
  };
  let last: unknown;
  for (let attempt = 1; attempt <= IMPORT_TRIES; attempt++) {
    try {
      const r = await ec2.client.send(new ec2.sdk.ImportImageCommand(input), { abortSignal: signal });
      if (!r.ImportTaskId) return err(`Failed to start import from s3://${s.bucket}/${key}: EC2 answered without a task id`);
      return ok(r.ImportTaskId);
    } catch (e) {
      if (signal.aborted) return err(CANCELLED);
      last = e;
    }
    if (attempt < IMPORT_TRIES && !(await sleep(Math.min(IMPORT_BACKOFF_MS * attempt, IMPORT_MAX_BACKOFF_MS), signal))) return err(CANCELLED);
  }
  return err(`Failed to start import from s3://${s.bucket}/${key}: ${ec2.describe(last)}`);
}

/** Waits for the task and answers the AMI it made. */
export async function waitForImport(ec2: Ec2Driver, taskId: string, env: Record<string, string | undefined>, signal: AbortSignal): Promise<Result<string>> {
  const describe = async (): Promise<ImportImageTask | undefined> =>
    (await ec2.client.send(new ec2.sdk.DescribeImportImageTasksCommand({ ImportTaskIds: [taskId] }), { abortSignal: signal })).ImportImageTasks?.[0];
  const waited = await ec2.poll(
    `import task ${taskId}`,
    async () => {
      try {
        const task = await describe();
        if (!task) return err('import task not found');
        if (task.Status === 'deleted') return err('import task was deleted');
        return ok(task.Status === 'completed');
      } catch (e) {
        return err(ec2.describe(e));
      }
    },
    signal,
    env,
    IMPORT_WAIT,
  );
  if (signal.aborted) return err(CANCELLED);
  let task: ImportImageTask | undefined;
  try {
    task = await describe();
  } catch (e) {
    if (!waited.ok) return err(`Import task ${taskId} failed with status message: Error retrieving status message, error: ${waited.error}`);
    return err(`Failed to find import task ${taskId}: ${ec2.describe(e)}`);
  }
  if (!waited.ok) return err(`Import task ${taskId} failed with status message: ${task?.StatusMessage ?? 'Error retrieving status message'}, error: ${waited.error}`);
  if (task?.Status !== 'completed') return err(`Import task ${taskId} failed: ${task?.StatusMessage ?? ''}`);
  if (!task.ImageId) return err(`Import task ${taskId} completed without an AMI`);
  return ok(task.ImageId);
}
