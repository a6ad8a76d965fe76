/**
 * A running machine's memory and device state, saved beside a cached disk so that a resumed build continues the machine
 * where it was instead of booting it again (a boot under software emulation is a minute or more).
 *
 * It is QEMU's own migration stream written to a file (QMP `migrate` to `exec:cat > FILE`) while the machine is paused,
 * and read back by a QEMU started with the same command line and `-incoming defer` (QMP `migrate-incoming`). The stream
 * only loads into a machine with the same devices, memory size and QEMU version; when it does not, QEMU says so and the
 * caller boots the disk instead. Docs: https://www.qemu.org/docs/master/devel/migration/main.html and the QMP reference
 * for migrate, migrate-incoming, query-migrate and migrate-set-parameters.
 */
import { rm } from 'node:fs/promises';
import { cancelled, err, ok, type Result } from '../../common/result';
import type { QmpClient } from './qmp';
import { sleep } from '../../engine/retry';

/** The migration URI that runs `cat` through QEMU's shell; the path is single-quoted for it. */
function execUri(redirect: '<' | '>', path: string): string {
  return `exec:cat ${redirect} '${path.replaceAll("'", "'\\''")}'`;
}

interface MigrationInfo {
  status?: string;
  'error-desc'?: string;
}

/** Polls query-migrate until the migration ends; on a cancel it cancels the migration. */
async function waitForMigration(qmp: QmpClient, signal: AbortSignal): Promise<Result> {
  for (;;) {
    if (signal.aborted) {
      await qmp.execute('migrate_cancel');
      return cancelled();
    }
    const r = await qmp.execute('query-migrate');
    if (!r.ok) return r;
    const info = r.value as MigrationInfo;
    if (info.status === 'completed') return ok();
    if (info.status === 'failed' || info.status === 'cancelled') return err(info['error-desc'] ?? `the migration ${info.status}`);
    await sleep(50, signal);
  }
}

/**
 * Writes the paused machine's state to `path`. The machine stays paused: the caller takes the disk copy at the same
 * instant and then continues it (`cont` also takes back the disks a completed migration hands over).
 */
export async function saveMemory(qmp: QmpClient, path: string, signal: AbortSignal): Promise<Result> {
  // The default bandwidth cap (128 MiB/s) is meant for a live network migration; this one goes to a local file.
  const params = await qmp.execute('migrate-set-parameters', { 'max-bandwidth': 8 * 1024 ** 3 });
  if (!params.ok) return params;
  const started = await qmp.execute('migrate', { uri: execUri('>', path) });
  if (!started.ok) return started;
  const done = await waitForMigration(qmp, signal);
  if (!done.ok) await rm(path, { force: true });
  return done;
}

/** Loads `path` into a QEMU started with `-incoming defer`, then makes sure the machine runs. */
export async function loadMemory(qmp: QmpClient, path: string, signal: AbortSignal): Promise<Result> {
  const started = await qmp.execute('migrate-incoming', { uri: execUri('<', path) });
  if (!started.ok) return started;
  const done = await waitForMigration(qmp, signal);
  if (!done.ok) return done;
  const status = await qmp.execute('query-status');
  if (!status.ok) return status;
  if ((status.value as { running?: boolean }).running) return ok();
  const cont = await qmp.execute('cont');
  return cont.ok ? ok() : cont;
}
