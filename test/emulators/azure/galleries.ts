/**
 * Azure Compute Gallery (Shared Image Gallery), api-version 2025-03-03 as @azure/arm-compute 24.1.0 sends it:
 * galleries (learn.microsoft.com/rest/api/compute/galleries/create-or-update), image definitions
 * (learn.microsoft.com/rest/api/compute/gallery-images/create-or-update) and image versions
 * (learn.microsoft.com/rest/api/compute/gallery-image-versions/create-or-update) from a managed image or a generalized
 * VM (`storageProfile.source.id`). A parent with children cannot be deleted, as on Azure.
 */
import { dockerImageOf, setDockerImage } from './compute';
import type { Env, Kind, PutInput } from './kinds';
import { tagsOf } from './kinds';
import type { ArmResource } from './store';
import { armError, field, isRecord, type ArmError } from './wire';

const GALLERY = 'Microsoft.Compute/galleries';
const DEFINITION = 'Microsoft.Compute/galleries/images';
const VERSION = 'Microsoft.Compute/galleries/images/versions';

function record(input: PutInput, type: string, properties: Record<string, unknown>): ArmResource {
  const tags = tagsOf(input.body) ?? input.existing?.tags;
  const location = typeof input.body.location === 'string' ? input.body.location : input.existing?.location ?? input.resourceGroupLocation;
  return { id: input.id, name: input.name, type, location, ...(tags ? { tags } : {}), properties };
}

function hasChildren(env: Env, r: ArmResource): ArmError | undefined {
  return env.store.under(r.id).length ? armError(409, 'CannotDeleteResource', `Can not delete resource before nested resources are deleted.`) : undefined;
}

const galleries: Kind = {
  type: GALLERY,
  operations: 'Galleries',
  longRunningPut: true,
  put(env, input) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._]{0,78}[A-Za-z0-9]$/.test(input.name)) return armError(400, 'InvalidParameter', `The gallery name '${input.name}' is invalid: it may contain only alphanumerics, underscores and periods, and must start and end with an alphanumeric. Target: 'galleryName'.`);
    const description = field(input.body, 'properties', 'description');
    return { resource: record(input, GALLERY, { ...(typeof description === 'string' ? { description } : {}), identifier: { uniqueName: `${env.subscriptionId}-${input.name.toUpperCase()}` } }) };
  },
  refuseDelete: hasChildren,
};

const definitions: Kind = {
  type: DEFINITION,
  operations: 'GalleryImages',
  longRunningPut: true,
  put(_env, input) {
    const p = isRecord(input.body.properties) ? input.body.properties : {};
    for (const f of ['osType', 'osState'] as const) if (typeof p[f] !== 'string') return armError(400, 'InvalidParameter', `Required parameter '${f}' is missing (null). Target: '${f}'.`);
    const id = p.identifier;
    if (!isRecord(id) || ['publisher', 'offer', 'sku'].some((k) => typeof id[k] !== 'string' || id[k] === '')) return armError(400, 'InvalidParameter', "Required parameter 'identifier' (publisher, offer, sku) is missing. Target: 'identifier'.");
    return {
      resource: record(input, DEFINITION, {
        osType: p.osType,
        osState: p.osState,
        identifier: { publisher: id.publisher, offer: id.offer, sku: id.sku },
        hyperVGeneration: p.hyperVGeneration ?? 'V1',
        architecture: p.architecture ?? 'x64',
        ...(typeof p.description === 'string' ? { description: p.description } : {}),
        ...(Array.isArray(p.features) ? { features: p.features } : {}),
      }),
    };
  },
  refuseDelete: hasChildren,
};

const versions: Kind = {
  type: VERSION,
  operations: 'GalleryImageVersions',
  longRunningPut: true,
  put(env, input) {
    if (!/^\d+\.\d+\.\d+$/.test(input.name)) return armError(400, 'InvalidParameter', `The name of Gallery Image Version '${input.name}' must follow the format <MajorVersion>.<MinorVersion>.<Patch>, each a 32-bit integer. Target: 'galleryImageVersionName'.`);
    const p = isRecord(input.body.properties) ? input.body.properties : {};
    const sourceId = field(p, 'storageProfile', 'source', 'id') ?? field(p, 'storageProfile', 'source', 'virtualMachineId');
    if (typeof sourceId !== 'string') return armError(400, 'InvalidParameter', "Required parameter 'storageProfile.source.id' is missing (null). Target: 'source'.");
    const source = env.store.get(sourceId);
    if (!source) return armError(404, 'NotFound', `Resource ${sourceId} not found.`);
    const isVm = source.type === 'Microsoft.Compute/virtualMachines';
    if (!isVm && source.type !== 'Microsoft.Compute/images') return armError(400, 'InvalidParameter', `Source ${sourceId} is neither a managed image nor a virtual machine. Target: 'source'.`);
    const location = typeof input.body.location === 'string' ? input.body.location : input.resourceGroupLocation;
    const publishing = isRecord(p.publishingProfile) ? p.publishingProfile : {};
    const regions = Array.isArray(publishing.targetRegions) && publishing.targetRegions.length ? publishing.targetRegions : [{ name: location }];
    const size = field(source.properties, 'storageProfile', 'osDisk', 'diskSizeGB');
    const r = record(input, VERSION, {
      publishingProfile: {
        // TargetRegion, as Gallery Image Versions - Create Or Update documents it (api-version 2025-03-03): its encryption kept as sent.
        targetRegions: regions.map((t) => {
          const encryption = field(t, 'encryption');
          return { name: field(t, 'name'), regionalReplicaCount: field(t, 'regionalReplicaCount') ?? 1, storageAccountType: field(t, 'storageAccountType') ?? 'Standard_LRS', ...(isRecord(encryption) ? { encryption } : {}) };
        }),
        replicaCount: publishing.replicaCount ?? 1,
        excludeFromLatest: publishing.excludeFromLatest ?? false,
        publishedDate: new Date().toISOString(),
        storageAccountType: publishing.storageAccountType ?? 'Standard_LRS',
        ...(publishing.endOfLifeDate ? { endOfLifeDate: publishing.endOfLifeDate } : {}),
      },
      storageProfile: { source: isVm ? { virtualMachineId: source.id } : { id: source.id }, osDiskImage: { sizeInGB: size ?? 30, hostCaching: 'ReadWrite' }, dataDiskImages: [] },
      safetyProfile: { allowDeletionOfReplicatedLocations: true },
    });
    return {
      resource: r,
      work: async () => {
        const image = isVm ? await env.machines.commit(source.id, crypto.randomUUID().slice(0, 12)) : dockerImageOf(env, source.id);
        if (!image) throw armError(400, 'InvalidParameter', `Source ${source.id} has nothing to replicate.`);
        setDockerImage(env, r.id, image);
      },
    };
  },
};

export const GALLERY_KINDS: Kind[] = [galleries, definitions, versions];
