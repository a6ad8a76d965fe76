/**
 * Finds what crashed runs left in Docker. A build container is named `bakehouse-<run id's first 8>-<random>` and carries
 * no label of ours: `docker commit` copies a container's labels into the image, and a run's id, process and host have
 * no business in a user's image. Who made the container is kept instead in a small record in the data folder, written
 * before the container is created and removed with it, so a container whose process is gone can be told apart from one
 * a build is still using. Containers of older versions, which carried the run in labels, are still found by them.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir } from '../../engine/runlog';
import type { DockerDriver } from './driver';
import { processAlive } from '../../engine/process-alive';

/** Labels older versions put on build containers; read, never written. */
const LEGACY_RUN_ID_LABEL = 'bakehouse.run-id';
const LEGACY_BUILD_LABEL = 'bakehouse.build';
const LEGACY_PID_LABEL = 'bakehouse.pid';
const LEGACY_HOST_LABEL = 'bakehouse.host';

const CONTAINER_NAME = /^bakehouse-([0-9a-f]{8})-[0-9a-f]{8}$/;

/** Who made a build container. */
export interface ContainerRecord {
  runId: string;
  build: string;
  pid: number;
  host: string;
}

export function containerName(runId: string, random: string): string {
  return `bakehouse-${runId.slice(0, 8)}-${random}`;
}

function recordPath(env: Record<string, string | undefined>, name: string): string {
  return join(dataDir(env), 'containers', `${name}.json`);
}

/** Written whole (temporary file, then rename) so a crash never leaves half a record. */
export function writeContainerRecord(env: Record<string, string | undefined>, name: string, record: ContainerRecord): void {
  const path = recordPath(env, name);
  mkdirSync(join(dataDir(env), 'containers'), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.partial`, JSON.stringify(record), { mode: 0o600 });
  renameSync(`${path}.partial`, path);
}

export function removeContainerRecord(env: Record<string, string | undefined>, name: string): void {
  rmSync(recordPath(env, name), { force: true });
}

function readContainerRecord(env: Record<string, string | undefined>, name: string): ContainerRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(recordPath(env, name), 'utf8')) as Partial<ContainerRecord>;
    if (typeof r.runId !== 'string') return undefined;
    return { runId: r.runId, build: String(r.build ?? ''), pid: Number(r.pid), host: String(r.host ?? '') };
  } catch {
    return undefined;
  }
}

export interface Leftover {
  id: string;
  name: string;
  runId: string;
  build: string;
  /** Whether the run that made it may still be using it (its process is alive here, or it was made on another host). */
  maybeInUse: boolean;
  why: string;
}

export async function findLeftovers(driver: DockerDriver, runId?: string, env: Record<string, string | undefined> = process.env): Promise<Leftover[]> {
  const [named, labelled] = await Promise.all([
    driver.docker.listContainers({ all: true, filters: { name: ['^/bakehouse-'] } }),
    driver.docker.listContainers({ all: true, filters: { label: [runId ? `${LEGACY_RUN_ID_LABEL}=${runId}` : LEGACY_RUN_ID_LABEL] } }),
  ]);
  const seen = new Set<string>();
  const found: Leftover[] = [];
  for (const c of [...labelled, ...named]) {
    if (seen.has(c.Id)) continue;
    seen.add(c.Id);
    const name = (c.Names?.[0] ?? c.Id).replace(/^\//, '');
    const labels = c.Labels ?? {};
    let record: ContainerRecord | undefined;
    if (labels[LEGACY_RUN_ID_LABEL]) {
      record = { runId: labels[LEGACY_RUN_ID_LABEL], build: labels[LEGACY_BUILD_LABEL] ?? '', pid: Number(labels[LEGACY_PID_LABEL]), host: labels[LEGACY_HOST_LABEL] ?? '' };
    } else {
      const m = CONTAINER_NAME.exec(name);
      if (!m) continue;
      record = readContainerRecord(env, name);
      if (runId && (record ? record.runId !== runId : m[1] !== runId.slice(0, 8))) continue;
    }
    found.push(describe(c.Id, name, record));
  }
  return found;
}

function describe(id: string, name: string, record: ContainerRecord | undefined): Leftover {
  if (!record) {
    const prefix = CONTAINER_NAME.exec(name)?.[1] ?? '';
    return { id, name, runId: prefix, build: '', maybeInUse: true, why: 'there is no record of its run here (another user or machine may have made it)' };
  }
  let maybeInUse = false;
  let why = 'its run is gone';
  if (record.host !== '' && record.host !== hostname()) {
    maybeInUse = true;
    why = `it was made on another host (${record.host})`;
  } else if (Number.isInteger(record.pid) && record.pid > 0 && processAlive(record.pid)) {
    maybeInUse = true;
    why = `its run (process ${record.pid}) is still going`;
  }
  return { id, name, runId: record.runId, build: record.build, maybeInUse, why };
}

/** Removes a leftover container, its record and the temp folders its run shared with containers. */
export async function removeLeftover(driver: DockerDriver, l: Leftover, env: Record<string, string | undefined> = process.env): Promise<void> {
  await driver.removeContainer(l.id);
  removeContainerRecord(env, l.name);
  if (l.runId.length >= 8) {
    const prefix = `bakehouse-docker-${l.runId.slice(0, 8)}-`;
    for (const name of readdirSync(tmpdir())) if (name.startsWith(prefix)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}
