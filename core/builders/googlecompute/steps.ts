/**
 * The googlecompute builder's steps in the plugin's order (builder/googlecompute/builder.go): make the client (Run,
 * before the steps), StepCheckExistingImage, StepSSHKeyGen, StepCreateInstance (the source image looked up by name or
 * family in source_image_project_id or project_id and Google's public image projects, then the instance with the
 * temporary key in its ssh-keys metadata and the startup script wrapped), StepInstanceInfo (RUNNING, then the IP),
 * StepConnect, StepProvision, StepWaitStartupScript (when the script was wrapped: startup-script.ts),
 * StepTeardownInstance (the instance deleted, its boot disk kept: autoDelete is false) and StepCreateImage (from the
 * disk, waited READY, then labelled `bakehouse-completed`). The instance and disk are tracked resources registered
 * before the insert call, labelled with the run id, and removed in reverse order (instance, then disk) whatever
 * happens; the image is removed only when the build failed or was cancelled.
 */
import { CANCELLED } from '../../common/result';
import type { BuildState } from '../../engine/plugin';
import { CONTINUE, halt, type Step, type StepContext } from '../../engine/steps';
import { waitForSshStep } from '../../communicators/ssh/wait';
import { temporaryKeyPair } from '../../communicators/ssh/keypair';
import { COMPLETED_LABEL } from '../../cloud/run-tag';
import { describeGoogleError, GceDriver, isNotFound, labelsWithRun } from './driver';
import type { GooglecomputeState, GooglecomputeStepDeps } from './state';
import { waitStartupScriptStep, wrapStartupScript } from './startup-script';

/** Google's public image projects the plugin looks in after project_id (driver_gce.go GetImage). */
export const PUBLIC_IMAGE_PROJECTS = [
  'almalinux-cloud', 'centos-cloud', 'cloud-hpc-image-public', 'cos-cloud', 'coreos-cloud', 'debian-cloud', 'fedora-cloud',
  'fedora-coreos-cloud', 'freebsd-org-cloud-dev', 'rhel-cloud', 'rhel-sap-cloud', 'rocky-linux-cloud', 'suse-cloud',
  'suse-sap-cloud', 'suse-byos-cloud', 'ubuntu-os-cloud', 'windows-cloud', 'windows-sql-cloud', 'gce-nvme',
  'google-containers', 'opensuse-cloud', 'ubuntu-os-pro-cloud', 'ml-images',
];

export function googlecomputeSteps(deps: GooglecomputeStepDeps, provision: Step<BuildState>): Step<GooglecomputeState>[] {
  return [
    createClientStep(deps),
    checkExistingImageStep(deps),
    sshKeyGenStep(deps),
    createInstanceStep(deps),
    instanceInfoStep(deps),
    connectStep(deps),
    provision,
    ...(deps.cfg.wrapStartupScript ? [waitStartupScriptStep(deps)] : []),
    teardownInstanceStep(deps),
    createImageStep(deps),
  ];
}

/** A failed call as a halt with Google's words; a call cut short by a cancel halts as cancelled. */
function failed(ctx: StepContext, what: string, e: unknown) {
  return halt(ctx.signal.aborted ? CANCELLED : `${what}: ${describeGoogleError(e)}`);
}

function createClientStep({ cfg, build }: GooglecomputeStepDeps): Step<GooglecomputeState> {
  return {
    name: 'StepCreateClient',
    async run(state, ctx) {
      const made = await GceDriver.create(cfg, build.env, ctx.signal);
      if (!made.ok) return halt(ctx.signal.aborted ? CANCELLED : `Error creating the Compute Engine client: ${made.error}`);
      state.gce = made.value;
      ctx.ui.message(`Using Google credentials from ${made.value.credentials.from}`);
      return CONTINUE;
    },
  };
}

function checkExistingImageStep({ cfg, build }: GooglecomputeStepDeps): Step<GooglecomputeState> {
  return {
    name: 'StepCheckExistingImage',
    async run(state, ctx) {
      const gce = state.gce;
      if (!gce) return halt('No Compute Engine client.');
      ctx.ui.say('Checking image does not exist...');
      try {
        await gce.call(ctx.signal, () => gce.images.get({ project: cfg.imageProjectId, image: cfg.imageName }));
        state.imageAlreadyExists = true;
      } catch (e) {
        if (!isNotFound(e)) return failed(ctx, `Error checking whether image ${cfg.imageName} exists`, e);
        state.imageAlreadyExists = false;
      }
      if (state.imageAlreadyExists && !build.force) {
        return halt(`Image ${cfg.imageName} already exists in project ${cfg.imageProjectId}.\nUse the force flag to delete it prior to building.`);
      }
      return CONTINUE;
    },
  };
}

/** A key pair made for this build unless ssh_private_key_file (or ssh_password, ssh_agent_auth) is given. */
function sshKeyGenStep({ cfg }: GooglecomputeStepDeps): Step<GooglecomputeState> {
  return {
    name: 'StepSSHKeyGen',
    async run(state, ctx) {
      if (cfg.ssh.privateKeyFile || cfg.ssh.privateKey || cfg.ssh.password || cfg.ssh.agentAuth) {
        ctx.ui.say('Using existing SSH private key');
        return CONTINUE;
      }
      ctx.ui.say(`Creating temporary ${cfg.ssh.keyPairType.toUpperCase()} SSH key for instance...`);
      const pair = temporaryKeyPair(cfg.ssh.keyPairType, cfg.ssh.keyPairBits);
      if (!pair.ok) return halt(pair.error);
      state.keyPair = pair.value;
      return CONTINUE;
    },
  };
}

function createInstanceStep({ cfg, build }: GooglecomputeStepDeps): Step<GooglecomputeState> {
  return {
    name: 'StepCreateInstance',
    async run(state, ctx) {
      const gce = state.gce;
      if (!gce) return halt('No Compute Engine client.');
      const image = await sourceImage(gce, cfg, ctx.signal);
      if (!image.ok) return ctx.signal.aborted ? halt(CANCELLED) : halt(`Error getting source image for instance creation: ${image.error}`);
      state.generated.SourceImageName = image.name;
      ctx.ui.say(`Using image: ${image.name}`);
      ctx.ui.say('Creating instance...');
      const metadata = cfg.wrapStartupScript ? wrapStartupScript(cfg.metadata) : { ...cfg.metadata };
      if (state.keyPair) {
        // The plugin's line: `user:TYPE KEY user`, ahead of any ssh-keys the template gives.
        const [type, key] = state.keyPair.publicKey.split(/\s+/);
        const line = `${cfg.ssh.username}:${type ?? ''} ${key ?? ''} ${cfg.ssh.username}`;
        metadata['ssh-keys'] = metadata['ssh-keys'] ? `${line}\n${metadata['ssh-keys']}` : line;
      }
      let machineTypeLink: string;
      try {
        ctx.ui.message(`Loading zone: ${cfg.zone}`);
        await gce.call(ctx.signal, () => gce.zones.get({ project: cfg.projectId, zone: cfg.zone }));
        ctx.ui.message(`Loading machine type: ${cfg.machineType}`);
        const [type] = await gce.call(ctx.signal, () => gce.machineTypes.get({ project: cfg.projectId, zone: cfg.zone, machineType: cfg.machineType }));
        machineTypeLink = type.selfLink ?? `zones/${cfg.zone}/machineTypes/${cfg.machineType}`;
      } catch (e) {
        return failed(ctx, 'Error creating instance', e);
      }
      const labels = labelsWithRun(cfg.labels, build.runId);
      const zone = cfg.zone;
      const project = cfg.projectId;
      // Tracked before the insert call, disk first so the runner removes the instance before it.
      ctx.track({
        description: `Compute Engine disk ${cfg.diskName} (project ${project}, zone ${zone})`,
        howToRemove: `gcloud compute disks delete ${cfg.diskName} --project ${project} --zone ${zone} --quiet`,
        async remove(c) {
          try {
            await gce.call(c.signal, () => gce.disks.get({ project, zone, disk: cfg.diskName }));
          } catch (e) {
            if (isNotFound(e)) return;
            throw e;
          }
          c.ui.say('Deleting disk...');
          const [op] = await gce.call(c.signal, () => gce.disks.delete({ project, zone, disk: cfg.diskName }));
          await gce.waitForOperation(op.latestResponse, c.signal, cfg.stateTimeoutMs);
          c.ui.message('Disk has been deleted!');
        },
      });
      const handle = ctx.track({
        description: `Compute Engine instance ${cfg.instanceName} (project ${project}, zone ${zone})`,
        howToRemove: `gcloud compute instances delete ${cfg.instanceName} --project ${project} --zone ${zone} --quiet`,
        async remove(c) {
          if (!(await deleteInstance(gce, project, zone, cfg.instanceName, c.signal, cfg.stateTimeoutMs, (t) => c.ui.say(t)))) return;
          c.ui.message('Instance has been deleted!');
        },
      });
      state.instance = { name: cfg.instanceName, handle };
      const network = cfg.network === '' ? '' : cfg.network === 'default' ? 'global/networks/default' : cfg.network.includes('/') ? cfg.network : `projects/${cfg.networkProjectId}/global/networks/${cfg.network}`;
      const subnetwork = cfg.subnetwork === '' || cfg.subnetwork.includes('/') ? cfg.subnetwork : `projects/${cfg.networkProjectId}/regions/${cfg.region}/subnetworks/${cfg.subnetwork}`;
      const serviceAccount = cfg.disableDefaultServiceAccount && !cfg.serviceAccountEmail ? {} : { email: cfg.serviceAccountEmail || 'default', scopes: cfg.scopes };
      try {
        ctx.ui.message('Requesting instance creation...');
        const [op] = await gce.call(ctx.signal, () =>
          gce.instances.insert({
            project,
            zone,
            instanceResource: {
              name: cfg.instanceName,
              description: 'New instance created by Packer',
              machineType: machineTypeLink,
              labels,
              tags: { items: cfg.tags },
              metadata: { items: Object.entries(metadata).map(([key, value]) => ({ key, value })) },
              disks: [
                {
                  type: 'PERSISTENT',
                  mode: 'READ_WRITE',
                  boot: true,
                  autoDelete: false,
                  initializeParams: { sourceImage: image.selfLink, diskName: cfg.diskName, diskSizeGb: String(cfg.diskSizeGb), diskType: `zones/${zone}/diskTypes/${cfg.diskType}`, labels },
                },
              ],
              networkInterfaces: [{ network, ...(subnetwork ? { subnetwork } : {}), accessConfigs: cfg.omitExternalIp ? [] : [{ name: 'AccessConfig created by Packer', type: 'ONE_TO_ONE_NAT' }] }],
              scheduling: { onHostMaintenance: cfg.onHostMaintenance, preemptible: cfg.preemptible },
              serviceAccounts: [serviceAccount],
            },
          }),
        );
        handle.created(cfg.instanceName);
        ctx.ui.message('Waiting for creation operation to complete...');
        await gce.waitForOperation(op.latestResponse, ctx.signal, cfg.stateTimeoutMs);
      } catch (e) {
        return failed(ctx, 'Error creating instance', e);
      }
      ctx.ui.message('Instance has been created!');
      state.instanceId = cfg.instanceName;
      return CONTINUE;
    },
  };
}

/** Deletes the instance and waits; false when it was not there. */
async function deleteInstance(gce: GceDriver, project: string, zone: string, name: string, signal: AbortSignal, timeoutMs: number, say: (t: string) => void): Promise<boolean> {
  try {
    await gce.call(signal, () => gce.instances.get({ project, zone, instance: name }));
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
  say('Deleting instance...');
  const [op] = await gce.call(signal, () => gce.instances.delete({ project, zone, instance: name }));
  await gce.waitForOperation(op.latestResponse, signal, timeoutMs);
  return true;
}

type SourceImage = { ok: true; name: string; selfLink: string } | { ok: false; error: string };

/** getImage: source_image by name, else source_image_family's newest, in each project until found. */
async function sourceImage(gce: GceDriver, cfg: GooglecomputeStepDeps['cfg'], signal: AbortSignal): Promise<SourceImage> {
  const fromFamily = cfg.sourceImage === '';
  const name = fromFamily ? cfg.sourceImageFamily : cfg.sourceImage;
  const projects = cfg.sourceImageProjectIds.length > 0 ? cfg.sourceImageProjectIds : [cfg.projectId, ...PUBLIC_IMAGE_PROJECTS];
  const errors: string[] = [];
  for (const project of projects) {
    if (signal.aborted) return { ok: false, error: 'cancelled' };
    try {
      const [image] = await gce.call(signal, () => (fromFamily ? gce.images.getFromFamily({ project, family: name }) : gce.images.get({ project, image: name })));
      if (image.selfLink && image.name) return { ok: true, name: image.name, selfLink: image.selfLink };
      errors.push(`Image, ${name}, could not be found in project: ${project}`);
    } catch (e) {
      errors.push(describeGoogleError(e));
    }
  }
  return { ok: false, error: `Could not find image, ${name}, in projects, [${projects.join(' ')}]: ${errors.length} error(s) occurred:\n\n${errors.map((e) => `* ${e}`).join('\n')}` };
}

function instanceInfoStep({ cfg }: GooglecomputeStepDeps): Step<GooglecomputeState> {
  return {
    name: 'StepInstanceInfo',
    async run(state, ctx) {
      const gce = state.gce;
      if (!gce || !state.instance) return halt('No instance.');
      const name = state.instance.name;
      ctx.ui.say('Waiting for the instance to become running...');
      try {
        await gce.waitForState('instance', 'RUNNING', async () => String((await gce.instances.get({ project: cfg.projectId, zone: cfg.zone, instance: name }))[0].status), ctx.signal, cfg.stateTimeoutMs);
      } catch (e) {
        return failed(ctx, 'Error waiting for instance', e);
      }
      let ip = '';
      try {
        const [instance] = await gce.call(ctx.signal, () => gce.instances.get({ project: cfg.projectId, zone: cfg.zone, instance: name }));
        const nics = instance.networkInterfaces ?? [];
        ip = cfg.useInternalIp ? (nics[0]?.networkIP ?? '') : (nics.flatMap((n) => n.accessConfigs ?? []).find((a) => a.natIP)?.natIP ?? '');
      } catch (e) {
        return failed(ctx, `Error retrieving instance ${cfg.useInternalIp ? 'internal' : 'nat'} ip address`, e);
      }
      ctx.ui.message(`IP: ${ip}`);
      state.instanceIp = ip;
      return CONTINUE;
    },
  };
}

/** StepConnect: ssh_host when given, else the instance's IP, with the temporary key. */
function connectStep({ cfg }: GooglecomputeStepDeps): Step<GooglecomputeState> {
  let inner: Step<BuildState> | undefined;
  return {
    name: 'StepConnect',
    async run(state, ctx) {
      const host = cfg.ssh.host || state.instanceIp;
      if (!host) return halt('No address to connect to: the instance has no external IP; set use_internal_ip or ssh_host.');
      const key = state.keyPair;
      inner = waitForSshStep({ ...cfg.ssh, host, ...(key ? { privateKey: key.privateKey } : {}) }, key ? { temporaryKeyComment: key.comment } : {});
      return inner.run(state, ctx);
    },
    async cleanup(state, ctx) {
      await inner?.cleanup?.(state, ctx);
    },
  };
}

/** StepTeardownInstance: the instance goes before its disk is imaged; the disk stays (autoDelete false) until cleanup. */
function teardownInstanceStep({ cfg }: GooglecomputeStepDeps): Step<GooglecomputeState> {
  return {
    name: 'StepTeardownInstance',
    async run(state, ctx) {
      const gce = state.gce;
      if (!gce || !state.instance) return halt('No instance.');
      try {
        await deleteInstance(gce, cfg.projectId, cfg.zone, state.instance.name, ctx.signal, cfg.stateTimeoutMs, (t) => ctx.ui.say(t));
      } catch (e) {
        if (ctx.signal.aborted) return halt(CANCELLED);
        return halt(`Error deleting instance. Please delete it manually.\n\nName: ${state.instance.name}\nError: ${describeGoogleError(e)}`);
      }
      ctx.ui.message('Instance has been deleted!');
      state.instance.handle.release();
      return CONTINUE;
    },
  };
}

function createImageStep({ cfg, build }: GooglecomputeStepDeps): Step<GooglecomputeState> {
  return {
    name: 'StepCreateImage',
    async run(state, ctx) {
      const gce = state.gce;
      if (!gce) return halt('No Compute Engine client.');
      if (cfg.skipCreateImage) {
        ctx.ui.say('Skipping image creation...');
        return CONTINUE;
      }
      const project = cfg.imageProjectId;
      if (build.force && state.imageAlreadyExists) {
        ctx.ui.say('Deleting previous image...');
        try {
          const [op] = await gce.call(ctx.signal, () => gce.images.delete({ project, image: cfg.imageName }));
          await gce.waitForOperation(op.latestResponse, ctx.signal, cfg.stateTimeoutMs);
        } catch (e) {
          return failed(ctx, 'Error deleting image', e);
        }
      }
      ctx.ui.say('Creating image...');
      const handle = ctx.track({
        description: `Compute Engine image ${cfg.imageName} (project ${project})`,
        howToRemove: `gcloud compute images delete ${cfg.imageName} --project ${project} --quiet`,
        async remove(c) {
          // The image is the build's output: it stays unless the build failed or was cancelled.
          if (!c.halted && !c.cancelled) return 'kept';
          try {
            const [op] = await gce.call(c.signal, () => gce.images.delete({ project, image: cfg.imageName }));
            c.ui.say(`Deleting image ${cfg.imageName}...`);
            await gce.waitForOperation(op.latestResponse, c.signal, cfg.stateTimeoutMs);
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
          return undefined;
        },
      });
      try {
        const [op] = await gce.call(ctx.signal, () =>
          gce.images.insert({
            project,
            imageResource: {
              name: cfg.imageName,
              description: cfg.imageDescription,
              ...(cfg.imageFamily ? { family: cfg.imageFamily } : {}),
              labels: labelsWithRun(cfg.imageLabels, build.runId),
              sourceDisk: `/compute/v1/projects/${cfg.projectId}/zones/${cfg.zone}/disks/${cfg.diskName}`,
              sourceType: 'RAW',
              ...(cfg.imageStorageLocations.length > 0 ? { storageLocations: cfg.imageStorageLocations } : {}),
            },
          }),
        );
        handle.created(cfg.imageName);
        await gce.waitForOperation(op.latestResponse, ctx.signal, cfg.stateTimeoutMs);
        await gce.waitForState('image', 'READY', async () => String((await gce.images.get({ project, image: cfg.imageName }))[0].status), ctx.signal, cfg.stateTimeoutMs);
        const [ready] = await gce.call(ctx.signal, () => gce.images.get({ project, image: cfg.imageName }));
        // Marks the image as the build's output (the sweep leaves it alone), as amazon-ebs and azure-arm tag theirs.
        const [labelled] = await gce.call(ctx.signal, () =>
          gce.images.setLabels({ project, resource: cfg.imageName, globalSetLabelsRequestResource: { labels: { ...(ready.labels ?? {}), [COMPLETED_LABEL]: String(Math.floor(Date.now() / 1000)) }, labelFingerprint: ready.labelFingerprint ?? '' } }),
        );
        await gce.waitForOperation(labelled.latestResponse, ctx.signal, cfg.stateTimeoutMs);
        const [image] = await gce.call(ctx.signal, () => gce.images.get({ project, image: cfg.imageName }));
        state.image = { name: image.name ?? cfg.imageName, projectId: project, selfLink: image.selfLink ?? '', sizeGb: Number(image.diskSizeGb ?? 0), labels: { ...(image.labels ?? {}) } };
      } catch (e) {
        return failed(ctx, 'Error waiting for image', e);
      }
      return CONTINUE;
    },
  };
}


