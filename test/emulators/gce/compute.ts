/**
 * Compute Engine's resources as the emulator holds them, and the REST v1 methods over them
 * (cloud.google.com/compute/docs/reference/rest/v1): zones and machineTypes (get), instances (insert, get, list, stop,
 * start, delete, setMetadata, getSerialPortOutput), disks (get, list, delete), images (insert, get, getFromFamily,
 * list, setLabels, delete) and their operations (operations.ts). Each instance's boot disk is an sshd container (machines.ts of
 * the Azure emulator, shared): the instance runs the container, stopping or deleting the instance stops it, the disk's
 * deletion removes it, and an image made from the disk is the container committed, so an instance made from that image
 * boots what the provisioners left. The `ssh-keys` metadata (`user:key comment` per line, as the guest environment reads
 * it: cloud.google.com/compute/docs/connect/add-ssh-keys) decides the user made at boot and the keys it trusts. Once
 * the container is up the instance is RUNNING and its `startup-script` runs in it in the background, with a metadata
 * server to talk to (guest.ts); its output is the instance's serial port output.
 */
import type { Machines } from '../azure/machines';
import type { Faults } from './faults';
import { GCE_GUEST_IMAGE, type Guest, type GuestView } from './guest';
import type { Operation, Operations } from './operations';
import { alreadyExists, googleError, invalid, isRecord, lastSegment, notFound, str, type GoogleReply, type GoogleRequest } from './wire';

export const PUBLIC_IMAGES: { project: string; name: string; family: string; created: string }[] = [
  { project: 'debian-cloud', name: 'debian-12-bookworm-v20240110', family: 'debian-12', created: '2024-01-10T00:00:00.000-08:00' },
  { project: 'debian-cloud', name: 'debian-12-bookworm-v20231212', family: 'debian-12', created: '2023-12-12T00:00:00.000-08:00' },
  { project: 'ubuntu-os-cloud', name: 'ubuntu-2204-jammy-v20240112', family: 'ubuntu-2204-lts', created: '2024-01-12T00:00:00.000-08:00' },
];
export const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f', 'europe-west1-b', 'europe-west1-c', 'europe-west4-a'];
export const MACHINE_TYPES: Record<string, { cpus: number; memoryMb: number }> = {
  'e2-micro': { cpus: 2, memoryMb: 1024 },
  'e2-small': { cpus: 2, memoryMb: 2048 },
  'e2-medium': { cpus: 2, memoryMb: 4096 },
  'e2-standard-2': { cpus: 2, memoryMb: 8192 },
  'n1-standard-1': { cpus: 1, memoryMb: 3840 },
  'n2-standard-2': { cpus: 2, memoryMb: 8192 },
};
const NAME = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** Label keys and values (cloud.google.com/compute/docs/labeling-resources#requirements). */
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

interface Image {
  project: string;
  name: string;
  family: string;
  description: string;
  labels: Record<string, string>;
  status: 'PENDING' | 'READY' | 'FAILED';
  created: string;
  sourceDisk: string;
  storageLocations: string[];
  diskSizeGb: number;
  /** The Docker image an instance booted from this image runs. */
  dockerImage: string;
  id: string;
  labelFingerprint: string;
}

interface Disk {
  project: string;
  zone: string;
  name: string;
  sizeGb: number;
  type: string;
  sourceImage: string;
  labels: Record<string, string>;
  status: 'CREATING' | 'READY' | 'DELETING';
  users: string[];
  created: string;
  id: string;
}

interface Instance {
  project: string;
  zone: string;
  name: string;
  status: 'PROVISIONING' | 'STAGING' | 'RUNNING' | 'STOPPING' | 'TERMINATED';
  machineType: string;
  labels: Record<string, string>;
  tags: string[];
  metadata: { key: string; value: string }[];
  fingerprint: string;
  bootDisk: string;
  autoDelete: boolean;
  external: boolean;
  network: string;
  subnetwork: string;
  scheduling: Record<string, unknown>;
  serviceAccounts: unknown[];
  created: string;
  id: string;
  /** The container's boot, awaited before stopping it. */
  booting?: Promise<unknown>;
  /** The container's address, which tells the metadata server whose request it is. */
  guestIp?: string;
  /** What the guest wrote to its serial console (the startup script's output, as the guest agent logs it). */
  serial: string[];
}

export interface ComputeEnv {
  base: () => string;
  projects: Set<string>;
  ops: Operations;
  faults: Faults;
  machines: Machines;
  /** The metadata server and guest agent side of the instances (guest.ts). */
  guest: Guest;
  /** The account an instance's `default` service account stands for. */
  defaultServiceAccount: string;
  count(method: string): number;
}

const id = (): string => String(1_000_000_000_000 + Math.floor(Math.random() * 8_000_000_000_000));

export class Compute {
  readonly images = new Map<string, Image>();
  readonly disks = new Map<string, Disk>();
  readonly instances = new Map<string, Instance>();

  constructor(private readonly env: ComputeEnv) {
    for (const p of PUBLIC_IMAGES) {
      this.images.set(`${p.project}/${p.name}`, { ...p, description: `${p.family} image`, labels: {}, status: 'READY', sourceDisk: '', storageLocations: ['us'], diskSizeGb: 10, dockerImage: GCE_GUEST_IMAGE, id: id(), labelFingerprint: fingerprint() });
    }
  }

  private link(path: string): string {
    return `${this.env.base()}/compute/v1/${path}`;
  }

  /** Handles /compute/v1/projects/…; the caller has checked the bearer token. */
  async handle(r: GoogleRequest, caller: string): Promise<GoogleReply> {
    const s = r.segments.slice(2);
    if (s[0] !== 'projects' || !s[1]) return notFound(r.path);
    const project = s[1];
    const rest = s.slice(2);
    const method = methodId(r.method, rest);
    if (!method) return googleError(404, 'notFound', `No such method: ${r.method} ${r.path}`);
    const call = this.env.count(method);
    const fault = this.env.faults.onCall(method, call);
    if (fault) return fault;
    const readOnly = method.endsWith('.get') || method.endsWith('.list') || method.endsWith('.getFromFamily');
    const publicProject = PUBLIC_IMAGES.some((i) => i.project === project);
    if (!this.env.projects.has(project) && !(publicProject && readOnly && rest[1] === 'images')) {
      return googleError(404, 'notFound', `The resource 'projects/${project}' was not found`);
    }
    const b = isRecord(r.body) ? r.body : {};
    switch (method) {
      case 'compute.zones.get':
        return this.zone(project, rest[1] ?? '');
      case 'compute.machineTypes.get':
        return this.machineType(project, rest[1] ?? '', rest[3] ?? '');
      case 'compute.instances.insert':
        return this.insertInstance(project, rest[1] ?? '', b, caller);
      case 'compute.instances.list':
        return this.list('compute#instanceList', [...this.instances.values()].filter((i) => i.project === project && i.zone === rest[1]).map((i) => this.instanceJson(i)), r.query);
      case 'compute.instances.get': {
        const i = this.instances.get(`${project}/${rest[1]}/${rest[3]}`);
        return i ? ok(this.instanceJson(i)) : notFound(`projects/${project}/zones/${rest[1]}/instances/${rest[3]}`);
      }
      case 'compute.instances.delete':
        return this.deleteInstance(project, rest[1] ?? '', rest[3] ?? '', caller);
      case 'compute.instances.stop':
        return this.stopInstance(project, rest[1] ?? '', rest[3] ?? '', caller);
      case 'compute.instances.setMetadata':
        return this.setMetadata(project, rest[1] ?? '', rest[3] ?? '', b, caller);
      case 'compute.instances.getSerialPortOutput': {
        const i = this.instances.get(`${project}/${rest[1]}/${rest[3]}`);
        return i ? ok({ kind: 'compute#serialPortOutput', contents: i.serial.map((l) => `${l}\n`).join(''), start: '0', next: '0' }) : notFound(`projects/${project}/zones/${rest[1]}/instances/${rest[3]}`);
      }
      case 'compute.disks.list':
        return this.list('compute#diskList', [...this.disks.values()].filter((d) => d.project === project && d.zone === rest[1]).map((d) => this.diskJson(d)), r.query);
      case 'compute.disks.get': {
        const d = this.disks.get(`${project}/${rest[1]}/${rest[3]}`);
        return d ? ok(this.diskJson(d)) : notFound(`projects/${project}/zones/${rest[1]}/disks/${rest[3]}`);
      }
      case 'compute.disks.delete':
        return this.deleteDisk(project, rest[1] ?? '', rest[3] ?? '', caller);
      case 'compute.images.insert':
        return this.insertImage(project, b, r.query, caller);
      case 'compute.images.list':
        return this.list('compute#imageList', [...this.images.values()].filter((i) => i.project === project).map((i) => this.imageJson(i)), r.query);
      case 'compute.images.get': {
        const i = this.images.get(`${project}/${rest[2]}`);
        return i ? ok(this.imageJson(i)) : notFound(`projects/${project}/global/images/${rest[2]}`);
      }
      case 'compute.images.getFromFamily': {
        const i = this.fromFamily(project, rest[3] ?? '');
        return i ? ok(this.imageJson(i)) : notFound(`projects/${project}/global/images/family/${rest[3]}`);
      }
      case 'compute.images.delete':
        return this.deleteImage(project, rest[2] ?? '', caller);
      case 'compute.images.setLabels':
        return this.setImageLabels(project, rest[2] ?? '', b, caller);
      case 'compute.zoneOperations.get':
      case 'compute.globalOperations.get': {
        const scope = rest[0] === 'zones' ? `projects/${project}/zones/${rest[1]}` : `projects/${project}/global`;
        const op = this.env.ops.get(scope, rest.at(-1) ?? '');
        return op ? ok(op) : notFound(`${scope}/operations/${rest.at(-1)}`);
      }
      case 'compute.zoneOperations.wait':
      case 'compute.globalOperations.wait': {
        const scope = rest[0] === 'zones' ? `projects/${project}/zones/${rest[1]}` : `projects/${project}/global`;
        const op = await this.env.ops.wait(scope, rest.at(-2) ?? '');
        return op ? ok(op) : notFound(`${scope}/operations/${rest.at(-2)}`);
      }
      default:
        return googleError(404, 'notFound', `No such method: ${method}`);
    }
  }

  private zone(project: string, zone: string): GoogleReply {
    if (!ZONES.includes(zone)) return notFound(`projects/${project}/zones/${zone}`);
    return ok({ kind: 'compute#zone', id: id(), name: zone, status: 'UP', region: this.link(`projects/${project}/regions/${zone.slice(0, -2)}`), selfLink: this.link(`projects/${project}/zones/${zone}`) });
  }

  private machineType(project: string, zone: string, name: string): GoogleReply {
    const m = MACHINE_TYPES[name];
    if (!ZONES.includes(zone) || !m) return notFound(`projects/${project}/zones/${zone}/machineTypes/${name}`);
    return ok({ kind: 'compute#machineType', id: id(), name, guestCpus: m.cpus, memoryMb: m.memoryMb, zone, selfLink: this.link(`projects/${project}/zones/${zone}/machineTypes/${name}`) });
  }

  /** projects/P/global/images/NAME or …/images/family/F, as a full or partial URL. */
  private resolveImage(link: string): Image | undefined {
    const m = /projects\/([^/]+)\/global\/images\/(family\/)?([^/]+)$/.exec(link);
    if (!m) return undefined;
    return m[2] ? this.fromFamily(m[1] ?? '', m[3] ?? '') : this.images.get(`${m[1]}/${m[3]}`);
  }

  private fromFamily(project: string, family: string): Image | undefined {
    return [...this.images.values()].filter((i) => i.project === project && i.family === family && i.status === 'READY').sort((a, b) => b.created.localeCompare(a.created))[0];
  }

  private insertInstance(project: string, zone: string, b: Record<string, unknown>, caller: string): GoogleReply {
    if (!ZONES.includes(zone)) return notFound(`projects/${project}/zones/${zone}`);
    const name = str(b.name);
    if (!NAME.test(name)) return invalid(`Invalid value for field 'resource.name': '${name}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`);
    const key = `${project}/${zone}/${name}`;
    if (this.instances.has(key)) return alreadyExists(`projects/${project}/zones/${zone}/instances/${name}`);
    const machineType = lastSegment(str(b.machineType));
    if (!MACHINE_TYPES[machineType]) return invalid(`Invalid value for field 'resource.machineType': '${str(b.machineType)}'. Machine type with name '${machineType}' does not exist in zone '${zone}'.`);
    const labels = isRecord(b.labels) ? Object.fromEntries(Object.entries(b.labels).map(([k, v]) => [k, str(v)])) : {};
    const bad = labelProblem(labels);
    if (bad) return invalid(`Invalid value for field 'resource.labels': ${bad}`);
    const disks = Array.isArray(b.disks) ? b.disks.filter(isRecord) : [];
    const boot = disks.find((d) => d.boot === true) ?? disks[0];
    const init = boot && isRecord(boot.initializeParams) ? boot.initializeParams : undefined;
    if (!boot || !init) return invalid("Invalid value for field 'resource.disks': a boot disk with initializeParams is required.");
    const image = this.resolveImage(str(init.sourceImage));
    if (!image) return notFound(str(init.sourceImage).replace(/^.*?(projects\/)/, '$1'));
    const diskName = str(init.diskName) || name;
    const diskKey = `${project}/${zone}/${diskName}`;
    if (this.disks.has(diskKey)) return alreadyExists(`projects/${project}/zones/${zone}/disks/${diskName}`);
    const items = isRecord(b.metadata) && Array.isArray(b.metadata.items) ? b.metadata.items.filter(isRecord).map((i) => ({ key: str(i.key), value: str(i.value) })) : [];
    const nic = Array.isArray(b.networkInterfaces) && isRecord(b.networkInterfaces[0]) ? b.networkInterfaces[0] : {};
    const access = Array.isArray(nic.accessConfigs) ? nic.accessConfigs.filter(isRecord) : [];
    const instanceLink = `projects/${project}/zones/${zone}/instances/${name}`;
    const created = new Date().toISOString();
    const disk: Disk = { project, zone, name: diskName, sizeGb: Number(init.diskSizeGb ?? image.diskSizeGb) || image.diskSizeGb, type: lastSegment(str(init.diskType)) || 'pd-standard', sourceImage: `projects/${image.project}/global/images/${image.name}`, labels, status: 'CREATING', users: [instanceLink], created, id: id() };
    const instance: Instance = {
      project, zone, name, status: 'PROVISIONING', machineType, labels,
      tags: isRecord(b.tags) && Array.isArray(b.tags.items) ? b.tags.items.map(str) : [],
      metadata: items, fingerprint: fingerprint(), bootDisk: diskKey, autoDelete: boot.autoDelete === true,
      external: access.length > 0, network: str(nic.network), subnetwork: str(nic.subnetwork),
      scheduling: isRecord(b.scheduling) ? b.scheduling : {}, serviceAccounts: Array.isArray(b.serviceAccounts) ? b.serviceAccounts : [], created, id: id(), serial: [`${name} booted`],
    };
    this.disks.set(diskKey, disk);
    this.instances.set(key, instance);
    const keys = sshKeys(items.find((i) => i.key === 'ssh-keys')?.value ?? '');
    const user = keys[0]?.user ?? 'gce-no-ssh-keys';
    const start = async (): Promise<void> => {
      instance.status = 'STAGING';
      const booting = (async () => {
        const machine = await this.env.machines.start({ vmId: diskKey, computerName: name, adminUsername: user, publicKeys: keys.filter((k) => k.user === user).map((k) => k.key), image: image.dockerImage, dockerArgs: this.env.guest.dockerArgs });
        instance.guestIp = await this.env.guest.boot(machine.containerId);
        return machine;
      })();
      instance.booting = booting;
      const machine = await booting;
      disk.status = 'READY';
      // A deleted instance stays deleted even when its boot finishes after the delete.
      if (this.instances.get(key) !== instance) return;
      instance.status = 'RUNNING';
      const script = instance.metadata.find((i) => i.key === 'startup-script')?.value ?? '';
      if (script !== '') {
        // In the background, as on GCE: the instance is RUNNING and reachable while its startup script runs.
        void this.env.guest.runStartupScript(machine.containerId, script, (line) => instance.serial.push(`startup-script: ${line}`)).then((code) => {
          instance.serial.push(`startup-script exit status ${code}`);
        });
      }
    };
    return ok(this.env.ops.start(this.env.base(), `projects/${project}/zones/${zone}`, 'insert', this.link(instanceLink), caller, start, this.env.faults.takeOperationFailure('compute.instances.insert')));
  }

  private deleteInstance(project: string, zone: string, name: string, caller: string): GoogleReply {
    const key = `${project}/${zone}/${name}`;
    const instance = this.instances.get(key);
    if (!instance) return notFound(`projects/${project}/zones/${zone}/instances/${name}`);
    instance.status = 'STOPPING';
    const link = `projects/${project}/zones/${zone}/instances/${name}`;
    const work = async (): Promise<void> => {
      await instance.booting?.catch(() => undefined);
      await this.env.machines.stop(instance.bootDisk).catch(() => undefined);
      this.instances.delete(key);
      const disk = this.disks.get(instance.bootDisk);
      if (disk) disk.users = disk.users.filter((u) => u !== link);
      // A boot disk made with autoDelete goes with its instance (cloud.google.com/compute/docs/reference/rest/v1/instances: disks[].autoDelete).
      if (instance.autoDelete && disk) {
        await this.env.machines.remove(instance.bootDisk);
        this.disks.delete(instance.bootDisk);
      }
    };
    return ok(this.env.ops.start(this.env.base(), `projects/${project}/zones/${zone}`, 'delete', this.link(link), caller, work, this.env.faults.takeOperationFailure('compute.instances.delete')));
  }

  private stopInstance(project: string, zone: string, name: string, caller: string): GoogleReply {
    const instance = this.instances.get(`${project}/${zone}/${name}`);
    if (!instance) return notFound(`projects/${project}/zones/${zone}/instances/${name}`);
    instance.status = 'STOPPING';
    const work = async (): Promise<void> => {
      await instance.booting?.catch(() => undefined);
      await this.env.machines.stop(instance.bootDisk);
      instance.status = 'TERMINATED';
    };
    return ok(this.env.ops.start(this.env.base(), `projects/${project}/zones/${zone}`, 'stop', this.link(`projects/${project}/zones/${zone}/instances/${name}`), caller, work, this.env.faults.takeOperationFailure('compute.instances.stop')));
  }

  /** instances.setMetadata: the whole list replaces the old one, guarded by the fingerprint the client read. */
  private setMetadata(project: string, zone: string, name: string, b: Record<string, unknown>, caller: string): GoogleReply {
    const instance = this.instances.get(`${project}/${zone}/${name}`);
    if (!instance) return notFound(`projects/${project}/zones/${zone}/instances/${name}`);
    if (str(b.fingerprint) !== instance.fingerprint) {
      return googleError(412, 'conditionNotMet', "Supplied fingerprint does not match current metadata fingerprint.");
    }
    const items = Array.isArray(b.items) ? b.items.filter(isRecord).map((i) => ({ key: str(i.key), value: str(i.value) })) : [];
    const work = async (): Promise<void> => {
      instance.metadata = items;
      instance.fingerprint = fingerprint();
    };
    return ok(this.env.ops.start(this.env.base(), `projects/${project}/zones/${zone}`, 'setMetadata', this.link(`projects/${project}/zones/${zone}/instances/${name}`), caller, work));
  }

  private deleteDisk(project: string, zone: string, name: string, caller: string): GoogleReply {
    const key = `${project}/${zone}/${name}`;
    const disk = this.disks.get(key);
    if (!disk) return notFound(`projects/${project}/zones/${zone}/disks/${name}`);
    if (disk.users.length > 0) {
      return googleError(400, 'resourceInUseByAnotherResource', `The disk resource 'projects/${project}/zones/${zone}/disks/${name}' is already being used by '${disk.users[0]}'`);
    }
    disk.status = 'DELETING';
    const work = async (): Promise<void> => {
      await this.env.machines.remove(key);
      this.disks.delete(key);
    };
    return ok(this.env.ops.start(this.env.base(), `projects/${project}/zones/${zone}`, 'delete', this.link(`projects/${project}/zones/${zone}/disks/${name}`), caller, work, this.env.faults.takeOperationFailure('compute.disks.delete')));
  }

  private insertImage(project: string, b: Record<string, unknown>, query: URLSearchParams, caller: string): GoogleReply {
    const name = str(b.name);
    if (!NAME.test(name)) return invalid(`Invalid value for field 'resource.name': '${name}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`);
    if (this.images.has(`${project}/${name}`)) return alreadyExists(`projects/${project}/global/images/${name}`);
    const m = /projects\/([^/]+)\/zones\/([^/]+)\/disks\/([^/]+)$/.exec(str(b.sourceDisk));
    const diskKey = m ? `${m[1]}/${m[2]}/${m[3]}` : '';
    const disk = this.disks.get(diskKey);
    if (!disk) return notFound(str(b.sourceDisk).replace(/^.*?(projects\/)/, '$1') || 'sourceDisk');
    const user = disk.users.map((u) => this.instances.get(u.replace(/^projects\/([^/]+)\/zones\/([^/]+)\/instances\/(.+)$/, '$1/$2/$3'))).find((i) => i && i.status !== 'TERMINATED');
    if (user && query.get('forceCreate') !== 'true') {
      return googleError(400, 'resourceInUseByAnotherResource', `The disk resource 'projects/${disk.project}/zones/${disk.zone}/disks/${disk.name}' is already being used by 'projects/${user.project}/zones/${user.zone}/instances/${user.name}'`);
    }
    const labels = isRecord(b.labels) ? Object.fromEntries(Object.entries(b.labels).map(([k, v]) => [k, str(v)])) : {};
    const bad = labelProblem(labels);
    if (bad) return invalid(`Invalid value for field 'resource.labels': ${bad}`);
    const image: Image = {
      project, name, family: str(b.family), description: str(b.description), labels, status: 'PENDING', created: new Date().toISOString(),
      sourceDisk: `projects/${disk.project}/zones/${disk.zone}/disks/${disk.name}`,
      storageLocations: Array.isArray(b.storageLocations) ? b.storageLocations.map(str) : [disk.zone.slice(0, -2)], diskSizeGb: disk.sizeGb, dockerImage: '', id: id(), labelFingerprint: fingerprint(),
    };
    this.images.set(`${project}/${name}`, image);
    const failure = this.env.faults.takeOperationFailure('compute.images.insert');
    const work = async (): Promise<void> => {
      if (failure) {
        image.status = 'FAILED';
        throw Object.assign(new Error(failure.message), { code: failure.code });
      }
      image.dockerImage = await this.env.machines.commit(diskKey, `${project}-${name}`);
      image.status = 'READY';
    };
    return ok(this.env.ops.start(this.env.base(), `projects/${project}/global`, 'insert', this.link(`projects/${project}/global/images/${name}`), caller, work));
  }

  /** images.setLabels: the labels replace the old ones, guarded by the labelFingerprint the client read. */
  private setImageLabels(project: string, name: string, b: Record<string, unknown>, caller: string): GoogleReply {
    const image = this.images.get(`${project}/${name}`);
    if (!image) return notFound(`projects/${project}/global/images/${name}`);
    if (str(b.labelFingerprint) !== image.labelFingerprint) return googleError(412, 'conditionNotMet', 'Labels fingerprint either invalid or resource labels have changed');
    const labels = isRecord(b.labels) ? Object.fromEntries(Object.entries(b.labels).map(([k, v]) => [k, str(v)])) : {};
    const bad = labelProblem(labels);
    if (bad) return invalid(`Invalid value for field 'labels': ${bad}`);
    const work = async (): Promise<void> => {
      image.labels = labels;
      image.labelFingerprint = fingerprint();
    };
    return ok(this.env.ops.start(this.env.base(), `projects/${project}/global`, 'setLabels', this.link(`projects/${project}/global/images/${name}`), caller, work));
  }

  private deleteImage(project: string, name: string, caller: string): GoogleReply {
    const key = `${project}/${name}`;
    if (!this.images.has(key)) return notFound(`projects/${project}/global/images/${name}`);
    const work = async (): Promise<void> => {
      this.images.delete(key);
    };
    return ok(this.env.ops.start(this.env.base(), `projects/${project}/global`, 'delete', this.link(`projects/${project}/global/images/${name}`), caller, work, this.env.faults.takeOperationFailure('compute.images.delete')));
  }

  /** A list answer, with `filter` read as far as label conditions go (`labels.KEY:*`, `labels.KEY = "VALUE"`). */
  private list(kind: string, items: Record<string, unknown>[], query: URLSearchParams): GoogleReply {
    const filter = query.get('filter') ?? '';
    const conditions = [...filter.matchAll(/labels\.([\w-]+)\s*(?::\s*\*|=\s*"?([^"\s)]+)"?)/g)].map((m) => ({ key: m[1] ?? '', value: m[2] }));
    const kept = items.filter((i) => conditions.every((c) => {
      const labels = isRecord(i.labels) ? i.labels : {};
      return c.key in labels && (c.value === undefined || labels[c.key] === c.value);
    }));
    return ok({ kind, id: 'list', items: kept, selfLink: '' });
  }

  instanceJson(i: Instance): Record<string, unknown> {
    const disk = this.disks.get(i.bootDisk);
    const base = `projects/${i.project}/zones/${i.zone}`;
    return {
      kind: 'compute#instance', id: i.id, name: i.name, status: i.status, zone: this.link(base), machineType: this.link(`${base}/machineTypes/${i.machineType}`),
      creationTimestamp: i.created, labels: i.labels, tags: { items: i.tags }, metadata: { kind: 'compute#metadata', fingerprint: i.fingerprint, items: i.metadata },
      disks: [{ kind: 'compute#attachedDisk', boot: true, autoDelete: i.autoDelete, mode: 'READ_WRITE', type: 'PERSISTENT', source: this.link(`${base}/disks/${disk?.name ?? lastSegment(i.bootDisk)}`), deviceName: 'persistent-disk-0' }],
      // The container publishes SSH on 127.0.0.1; the internal address stands for the VPC's and reaches it too.
      networkInterfaces: [{ name: 'nic0', network: i.network, subnetwork: i.subnetwork, networkIP: '127.0.0.1', accessConfigs: i.external ? [{ kind: 'compute#accessConfig', name: 'External NAT', type: 'ONE_TO_ONE_NAT', natIP: '127.0.0.1' }] : [] }],
      scheduling: i.scheduling, serviceAccounts: i.serviceAccounts, selfLink: this.link(`${base}/instances/${i.name}`),
    };
  }

  private diskJson(d: Disk): Record<string, unknown> {
    const base = `projects/${d.project}/zones/${d.zone}`;
    return { kind: 'compute#disk', id: d.id, name: d.name, sizeGb: String(d.sizeGb), zone: this.link(base), status: d.status, sourceImage: this.link(d.sourceImage), type: this.link(`${base}/diskTypes/${d.type}`), labels: d.labels, users: d.users.map((u) => this.link(u)), creationTimestamp: d.created, selfLink: this.link(`${base}/disks/${d.name}`) };
  }

  private imageJson(i: Image): Record<string, unknown> {
    return {
      kind: 'compute#image', id: i.id, name: i.name, family: i.family, description: i.description, labels: i.labels, status: i.status, creationTimestamp: i.created,
      labelFingerprint: i.labelFingerprint, diskSizeGb: String(i.diskSizeGb), storageLocations: i.storageLocations, sourceType: 'RAW', architecture: 'X86_64',
      ...(i.sourceDisk ? { sourceDisk: this.link(i.sourceDisk) } : {}), selfLink: this.link(`projects/${i.project}/global/images/${i.name}`),
    };
  }

  /** The instance whose container has this address, as its metadata server sees it. */
  guestView(ip: string): GuestView | undefined {
    const i = [...this.instances.values()].find((x) => x.guestIp === ip);
    if (!i) return undefined;
    const account = i.serviceAccounts.find(isRecord);
    const email = account ? str(account.email) : '';
    return { project: i.project, zone: i.zone, name: i.name, id: i.id, metadata: i.metadata, serviceAccount: email === 'default' ? this.env.defaultServiceAccount : email || undefined };
  }

  /** Resources of the projects the emulator serves (not the public images): what a leak check looks at. */
  resourceNames(): string[] {
    return [
      ...[...this.instances.values()].map((i) => `instance ${i.zone}/${i.name}`),
      ...[...this.disks.values()].map((d) => `disk ${d.zone}/${d.name}`),
      ...[...this.images.values()].filter((i) => this.env.projects.has(i.project)).map((i) => `image ${i.name}`),
    ];
  }
}

/** The REST method id (as in the discovery document) a request calls, or undefined. */
function methodId(http: string, s: string[]): string | undefined {
  const [a, b, c, d, e, f] = s;
  if (a === 'zones' && b && c === undefined && http === 'GET') return 'compute.zones.get';
  if (a === 'zones' && c === 'machineTypes' && d && http === 'GET') return 'compute.machineTypes.get';
  if (a === 'zones' && c === 'instances') {
    if (!d) return http === 'POST' ? 'compute.instances.insert' : http === 'GET' ? 'compute.instances.list' : undefined;
    if (!e) return http === 'GET' ? 'compute.instances.get' : http === 'DELETE' ? 'compute.instances.delete' : undefined;
    if (http === 'POST' && (e === 'stop' || e === 'setMetadata')) return `compute.instances.${e}`;
    if (http === 'GET' && e === 'serialPort') return 'compute.instances.getSerialPortOutput';
  }
  if (a === 'zones' && c === 'disks') {
    if (!d) return http === 'GET' ? 'compute.disks.list' : undefined;
    return http === 'GET' ? 'compute.disks.get' : http === 'DELETE' ? 'compute.disks.delete' : undefined;
  }
  if (a === 'zones' && c === 'operations' && d) return e === 'wait' && http === 'POST' ? 'compute.zoneOperations.wait' : !e && http === 'GET' ? 'compute.zoneOperations.get' : undefined;
  if (a === 'global' && b === 'operations' && c) return d === 'wait' && http === 'POST' ? 'compute.globalOperations.wait' : !d && http === 'GET' ? 'compute.globalOperations.get' : undefined;
  if (a === 'global' && b === 'images') {
    if (!c) return http === 'POST' ? 'compute.images.insert' : http === 'GET' ? 'compute.images.list' : undefined;
    if (c === 'family' && d && http === 'GET') return 'compute.images.getFromFamily';
    if (d === 'setLabels' && http === 'POST') return 'compute.images.setLabels';
    if (!d) return http === 'GET' ? 'compute.images.get' : http === 'DELETE' ? 'compute.images.delete' : undefined;
  }
  void f;
  return undefined;
}

function ok(body: unknown): GoogleReply {
  return { status: 200, body };
}

function fingerprint(): string {
  return Buffer.from(Math.random().toString(36).slice(2, 10)).toString('base64');
}

function sshKeys(text: string): { user: string; key: string }[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).flatMap((line) => {
    const i = line.indexOf(':');
    return i > 0 ? [{ user: line.slice(0, i), key: line.slice(i + 1) }] : [];
  });
}

function labelProblem(labels: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_KEY.test(k)) return `label key '${k}' must start with a lowercase letter and hold only lowercase letters, digits, '_' and '-' (at most 63)`;
    if (!LABEL_VALUE.test(v)) return `label value '${v}' of '${k}' may hold only lowercase letters, digits, '_' and '-' (at most 63)`;
  }
  return undefined;
}

export type { Operation };
