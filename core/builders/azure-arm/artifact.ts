/**
 * Packer's azure-arm artifact (builder/azure/arm/artifact.go): a managed image, and the gallery image version when one was
 * published. Its id is the managed image's resource id (else the gallery version's); its text lists the same lines
 * Packer's String does. Like Packer's, destroying it does nothing: the image is what the user asked for.
 */
import type { Artifact } from '../../engine/artifact';

export const AZURE_ARM_BUILDER_ID = 'Azure.ResourceManagement.VMImage';

export interface ManagedImageArtifact {
  osType: string;
  resourceGroup: string;
  name: string;
  id: string;
  location: string;
  gallery?: { id: string; resourceGroup: string; name: string; imageName: string; imageVersion: string; replicatedRegions: string[] };
}

export function azureArmArtifact(a: ManagedImageArtifact, state: Record<string, unknown>): Artifact {
  const lines = [`${AZURE_ARM_BUILDER_ID}:`, '', `OSType: ${a.osType}`];
  if (a.id !== '') {
    lines.push(`ManagedImageResourceGroupName: ${a.resourceGroup}`, `ManagedImageName: ${a.name}`, `ManagedImageId: ${a.id}`, `ManagedImageLocation: ${a.location}`);
  }
  if (a.gallery) {
    lines.push(
      `ManagedImageSharedImageGalleryId: ${a.gallery.id}`,
      `SharedImageGalleryResourceGroup: ${a.gallery.resourceGroup}`,
      `SharedImageGalleryName: ${a.gallery.name}`,
      `SharedImageGalleryImageName: ${a.gallery.imageName}`,
      `SharedImageGalleryImageVersion: ${a.gallery.imageVersion}`,
    );
    if (a.gallery.replicatedRegions.length > 0) lines.push(`SharedImageGalleryReplicatedRegions: ${a.gallery.replicatedRegions.join(', ')}`);
  }
  return {
    id: a.id || a.gallery?.id || 'UNKNOWN ID',
    builderId: AZURE_ARM_BUILDER_ID,
    files: [],
    text: `${lines.join('\n')}\n`,
    state,

  };
}
