/**
 * What Packer's amazon-import does to the imported AMI: renames it (EC2 names an import itself, so ami_name is a
 * CopyImage under that name, waited for, and the import deregistered with its snapshots), tags it and its snapshots,
 * and sets its description, launch permissions and IMDS support. Packer walks its attributes in a Go map's random
 * order; here they go in a fixed one, so the log reads the same on every run.
 */
import type { ModifyImageAttributeCommandInput } from '@aws-sdk/client-ec2';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import { awsErrorCode } from '../../cloud/aws/client';
import { destroyAmi, snapshotsOf } from '../../builders/amazon-ebs/ami';
import type { Ec2Driver } from '../../builders/amazon-ebs/driver';
import type { Ui } from '../../engine/plugin';
import type { ImportSettings } from './settings';

/** CopyImage under ami_name, then the import is removed: answers the copy's id. `made` hears of the copy before the wait. */
export async function renameAmi(
  ec2: Ec2Driver,
  imported: string,
  s: ImportSettings,
  ui: Ui,
  env: Record<string, string | undefined>,
  signal: AbortSignal,
  made: (id: string) => void,
): Promise<Result<string>> {
  ui.say(`Starting rename of AMI (${imported})`);
  let copy: string;
  try {
    const r = await ec2.client.send(
      new ec2.sdk.CopyImageCommand({
        Name: s.amiName,
        SourceImageId: imported,
        SourceRegion: ec2.region,
        ...(s.encrypt ? { Encrypted: true, ...(s.kmsKey !== '' ? { KmsKeyId: s.kmsKey } : {}) } : {}),
      }),
      { abortSignal: signal },
    );
    if (!r.ImageId) return err(`Error Copying AMI (${imported}): EC2 answered without an image id`);
    copy = r.ImageId;
  } catch (e) {
    return err(signal.aborted ? CANCELLED : `Error Copying AMI (${imported}): ${ec2.describe(e)}`);
  }
  made(copy);
  ui.say('Waiting for AMI rename to complete (may take a while)');
  const waited = await ec2.poll(
    `AMI ${copy} to become available`,
    async () => {
      try {
        const image = (await ec2.client.send(new ec2.sdk.DescribeImagesCommand({ ImageIds: [copy] }), { abortSignal: signal })).Images?.[0];
        if (image?.State === 'failed') return err(`AMI ${copy} failed: ${image.StateReason?.Message ?? 'no reason given'}`);
        return ok(image?.State === 'available');
      } catch (e) {
        if (awsErrorCode(e) === 'InvalidAMIID.NotFound') return ok(false);
        return err(ec2.describe(e));
      }
    },
    signal,
    env,
  );
  if (!waited.ok) return err(signal.aborted ? CANCELLED : `Error waiting for AMI (${copy}): ${waited.error}`);
  ui.say('Destroying intermediary AMI...');
  const destroyed = await destroyAmi(ec2, imported, true);
  if (!destroyed.ok) return err(`Error deregistering existing AMI: ${destroyed.error}`);
  ui.say('AMI rename completed');
  return ok(copy);
}

/** tags on the AMI and every snapshot it was registered with. */
export async function tagAmi(ec2: Ec2Driver, ami: string, tags: Record<string, string>, ui: Ui, signal: AbortSignal): Promise<Result> {
  const entries = Object.entries(tags);
  if (entries.length === 0) return ok();
  for (const [key, value] of entries) ui.say(`Adding tag "${key}": "${value}"`);
  let snapshots: string[];
  try {
    const image = (await ec2.client.send(new ec2.sdk.DescribeImagesCommand({ ImageIds: [ami] }), { abortSignal: signal })).Images?.[0];
    if (!image) return err(`AMI ${ami} has no images`);
    snapshots = snapshotsOf(image);
  } catch (e) {
    return err(signal.aborted ? CANCELLED : `Failed to retrieve details for AMI ${ami}: ${ec2.describe(e)}`);
  }
  for (const snapshot of snapshots) ui.say(`Tagging snapshot ${snapshot}`);
  ui.say(`Tagging AMI ${ami}`);
  const resources = [ami, ...snapshots];
  try {
    await ec2.client.send(new ec2.sdk.CreateTagsCommand({ Resources: resources, Tags: entries.map(([Key, Value]) => ({ Key, Value })) }), { abortSignal: signal });
    return ok();
  } catch (e) {
    return err(signal.aborted ? CANCELLED : `Failed to add tags to resources ${JSON.stringify(resources)}: ${ec2.describe(e)}`);
  }
}

/** ami_description, ami_groups, ami_users, ami_org_arns, ami_ou_arns and imds_support, one ModifyImageAttribute each. */
export async function modifyAmiAttributes(ec2: Ec2Driver, ami: string, s: ImportSettings, ui: Ui, signal: AbortSignal): Promise<Result> {
  const changes: [string, Omit<ModifyImageAttributeCommandInput, 'ImageId'>][] = [];
  if (s.amiDescription !== '') changes.push(['description', { Description: { Value: s.amiDescription } }]);
  if (s.amiGroups.length > 0) {
    changes.push(['groups', { UserGroups: s.amiGroups, LaunchPermission: { Add: s.amiGroups.map((g) => ({ Group: g as 'all' })) } }]);
  }
  if (s.amiUsers.length > 0) changes.push(['users', { UserIds: s.amiUsers, LaunchPermission: { Add: s.amiUsers.map((u) => ({ UserId: u })) } }]);
  if (s.amiOrgArns.length > 0) {
    changes.push(['ami org arns', { OrganizationArns: s.amiOrgArns, LaunchPermission: { Add: s.amiOrgArns.map((a) => ({ OrganizationArn: a })) } }]);
  }
  if (s.amiOuArns.length > 0) {
    changes.push(['ami ou arns', { OrganizationalUnitArns: s.amiOuArns, LaunchPermission: { Add: s.amiOuArns.map((a) => ({ OrganizationalUnitArn: a })) } }]);
  }
  if (s.imdsSupport !== '') changes.push(['ami imds support', { ImdsSupport: { Value: s.imdsSupport } }]);
  for (const [name, input] of changes) {
    ui.say(`Modifying: ${name}`);
    try {
      await ec2.client.send(new ec2.sdk.ModifyImageAttributeCommand({ ...input, ImageId: ami }), { abortSignal: signal });
    } catch (e) {
      return err(signal.aborted ? CANCELLED : `Error modifying AMI attributes: ${ec2.describe(e)}`);
    }
  }
  return ok();
}
