/**
 * The amazon-ebs builder: launches an EC2 instance from a source AMI, lets the provisioners work on it over SSH, stops
 * it and registers an EBS-backed AMI from it. Laid out as the docker builder: read-config.ts, state.ts, steps.ts (with
 * run-instance.ts and create-ami.ts), artifact.ts, and this file, which only wires them together.
 */
import type { Builder, BuilderPlugin } from '../../engine/plugin';
import { amiArtifact } from './artifact';
import { readAmazonEbsConfig } from './read-config';
import type { AmazonEbsState } from './state';
import { amazonEbsSteps } from './steps';

export const amazonEbsBuilder: BuilderPlugin = {
  type: 'amazon-ebs',
  prepare(config, build) {
    const read = readAmazonEbsConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    const builder: Builder<AmazonEbsState> = {
      steps: (provision) => amazonEbsSteps({ cfg, build }, provision),
      // skip_create_ami: Packer's builder returns no artifact.
      artifact: (state) => (state.amis ? amiArtifact(state.amis, state.ec2, { generated_data: { ...state.generated } }) : undefined),
    };
    return { ok: true, value: builder };
  },
};
