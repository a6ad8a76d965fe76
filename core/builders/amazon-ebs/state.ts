/**
 * What the amazon-ebs builder's steps share, declared once. Each field is filled by one step and read by later ones and
 * the artifact; the fields are optional because a build starts with none of them.
 */
import type { Instance } from '@aws-sdk/client-ec2';
import type { BuildInfo, BuildState } from '../../engine/plugin';
import type { BoundAwsCredential } from '../../cloud/aws/credentials';
import type { Ec2Driver } from './driver';
import type { AmazonEbsConfig } from './read-config';

export interface AmazonEbsState extends BuildState {
  /** StepPreValidate: the client for the build region, made with the resolved credentials. */
  ec2?: Ec2Driver;
  /** StepSourceAMIInfo: the AMI the instance starts from. */
  sourceImage?: { id: string; name: string; ownerId: string; virtualizationType: string; rootDeviceName: string };
  /** StepKeyPair: the key pair the instance is launched with, and the private key to log in with. */
  keyPair?: { name: string; privateKey?: string };
  /** StepSecurityGroup: the groups the instance joins (the temporary one, or the template's). */
  securityGroupIds?: string[];
  /** StepRunSourceInstance: the instance as last described. */
  instance?: Instance;
  /** stepCreateAMI and StepAMIRegionCopy: the AMI in each region. */
  amis?: Record<string, string>;
  /** The snapshots behind each region's AMI. */
  snapshots?: Record<string, string[]>;
}

/** What every step is made with: fixed for the build, never written, so it is not state. */
export interface AmazonEbsStepDeps {
  readonly cfg: AmazonEbsConfig;
  readonly build: BuildInfo;
  /** A credential bound from the vault for this build (the hook the vault's binding fills); absent today. */
  readonly bound?: BoundAwsCredential;
}
