/**
 * Finds what crashed runs left in Docker: build containers carry the run's id, the process that ran them and its host,
 * so a container whose process is gone can be told apart from one a build is still using.
 */
import { readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DockerDriver } from './driver';
import { BUILD_LABEL, HOST_LABEL, PID_LABEL, RUN_ID_LABEL } from './steps';

export interface Leftover {
  id: string;
  name: string;
  runId: string;
  build: string;
  /** Whether the run that made it may still be using it (its process is alive here, or it was made on another host). */
  maybeInUse: boolean;
  why: string;
}

export async function findLeftovers(driver: DockerDriver, runId?: string): Promise<Leftover[]> {
  const label = runId ? `${RUN_ID_LABEL}=${runId}` : RUN_ID_LABEL;
  const list = await driver.docker.listContainers({ all: true, filters: { label: [label] } });
  return list.map((c) => {
    const labels = c.Labels ?? {};
    const pid = Number(labels[PID_LABEL]);
    const host = labels[HOST_LABEL] ?? '';
    let maybeInUse = false;
    let why = 'its run is gone';
    if (host !== '' && host !== hostname()) {
      maybeInUse = true;
      why = `it was made on another host (${host})`;
    } else if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
      maybeInUse = true;
      why = `its run (process ${pid}) is still going`;
    }
    return { id: c.Id, name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''), runId: labels[RUN_ID_LABEL] ?? '', build: labels[BUILD_LABEL] ?? '', maybeInUse, why };
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes a leftover container and the temp folders its run shared with containers. */
export async function removeLeftover(driver: DockerDriver, l: Leftover): Promise<void> {
  await driver.removeContainer(l.id);
  if (l.runId.length >= 8) {
    const prefix = `bakehouse-docker-${l.runId.slice(0, 8)}-`;
    for (const name of readdirSync(tmpdir())) if (name.startsWith(prefix)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}
