/** What the googlecompute builder's steps share, declared once; each field is filled by one step and read by later ones. */
import type { BuildInfo, BuildState } from '../../engine/plugin';
import type { ResourceHandle } from '../../engine/steps';
import type { GceDriver } from './driver';
import type { GooglecomputeConfig } from './read-config';

export interface GooglecomputeState extends BuildState {
  gce?: GceDriver;
  /** StepCheckExistingImage: an image of image_name is already there (deleted first under -force). */
  imageAlreadyExists?: boolean;
  /** StepSSHKeyGen: the temporary key put in the instance's ssh-keys metadata. */
  keyPair?: { privateKey: string; publicKey: string; comment: string };
  /** StepCreateInstance: the instance's tracked resource, released once StepTeardownInstance deleted it. */
  instance?: { name: string; handle: ResourceHandle };
  /** StepInstanceInfo: where SSH connects. */
  instanceIp?: string;
  /** StepCreateImage: the image made. */
  image?: { name: string; projectId: string; selfLink: string; sizeGb: number; labels: Record<string, string> };
}

export interface GooglecomputeStepDeps {
  readonly cfg: GooglecomputeConfig;
  readonly build: BuildInfo;
}
