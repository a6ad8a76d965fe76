/**
 * What the azure-arm builder's steps share, declared once. Each field is filled by one step and read by later ones and
 * the artifact; the fields are optional because a build starts with none of them.
 */
import type { BuildInfo, BuildState } from '../../engine/plugin';
import type { BoundAzureCredential } from '../../cloud/azure/credentials';
import type { AzureDriver } from './driver';
import type { AzureArmConfig } from './read-config';

export interface AzureArmState extends BuildState {
  /** The clients, made with the resolved cloud, credentials and subscription. */
  azure?: AzureDriver;
  /** Where the build happens: the temporary group's location, or the existing build group's. */
  location?: string;
  /** StepGetSourceImageName: the image reference the VM is created from (a platform image's version resolved). */
  imageReference?: { publisher?: string; offer?: string; sku?: string; version?: string; id?: string };
  /** The temporary key pair the VM trusts (ssh_private_key_file and ssh_password stand in when given). */
  keyPair?: { privateKey: string; publicKey: string; comment: string };
  /** The subnet the NIC joins. */
  subnetId?: string;
  /** The public IP's id, when the build made one. */
  publicIpId?: string;
  /** The NIC's id and private address. */
  nic?: { id: string; privateIp: string };
  /** The VM's id and its OS disk's name (Azure names it when the template does not). */
  vm?: { id: string; osDiskName: string };
  /** StepGetIPAddress: where SSH connects. */
  sshHost?: string;
  /** StepCaptureImage: the managed image's id. */
  managedImageId?: string;
  /** StepPublishToSharedImageGallery: the gallery image version's id. */
  galleryImageVersionId?: string;
}

/** What every step is made with: fixed for the build, never written, so it is not state. */
export interface AzureArmStepDeps {
  readonly cfg: AzureArmConfig;
  readonly build: BuildInfo;
  /** A credential bound from the vault for this build (the hook the vault's binding fills); absent today. */
  readonly bound?: BoundAzureCredential;
}
