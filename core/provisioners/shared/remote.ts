/**
 * What the configuration-management provisioners (puppet-masterless, chef-solo, salt-masterless) do on the machine:
 * run a command and report its exit status, run housekeeping commands that must succeed, and put a local folder's
 * contents into a staging folder there.
 */
import { randomBytes } from 'node:crypto';
import { cancelled, err, ok, type Result } from '../../common/result';
import type { Communicator, ProvisionContext } from '../../engine/plugin';
import { shellQuote } from '../../communicators/shell-quote';

/**
 * Runs `command`, streaming its output to the UI; the outcome carries its exit status.
 * The command's shell writes its process group id to a file first: on cancel, only that shell would go with the
 * session (sshd leaves `puppet apply` or `chef-solo` running orphaned), so a second command ends the whole group.
 */
export async function runShown(ctx: ProvisionContext, comm: Communicator, command: string, sudo = false): Promise<Result<number>> {
  const pidFile = `/tmp/bakehouse-run-${randomBytes(6).toString('hex')}.pid`;
  const wrapped = `echo $$ > ${pidFile}; (\n${command}\n); __bakehouse_status=$?; rm -f ${pidFile}; exit $__bakehouse_status`;
  const r = await comm.run(wrapped, { signal: ctx.signal, onLine: (stream, line) => ctx.ui.output(stream, line) });
  if (ctx.signal.aborted) {
    await killGroup(comm, pidFile, sudo);
    return cancelled();
  }
  if (!r.ok) return r;
  return ok(r.value.exitCode);
}

/** Ends the process group named in `pidFile` (a session leader's, so only that command's processes). Best effort, 10 s at most. */
async function killGroup(comm: Communicator, pidFile: string, sudo: boolean): Promise<void> {
  const kill = `p=$(cat ${pidFile} 2>/dev/null) && [ -n "$p" ] && ${sudoPrefix(sudo)}kill -TERM -- -"$p" 2>/dev/null; rm -f ${pidFile}; true`;
  await comm.run(kill, { signal: AbortSignal.timeout(10_000), onLine: () => {} });
}

/** Runs a housekeeping command; its output only matters when it fails. */
export async function runQuiet(ctx: ProvisionContext, comm: Communicator, command: string): Promise<Result> {
  const lines: string[] = [];
  const r = await comm.run(command, { signal: ctx.signal, onLine: (_s, l) => lines.push(l) });
  if (!r.ok) return ctx.signal.aborted ? cancelled() : r;
  if (r.value.exitCode !== 0) return err(`"${command}" exited with status ${r.value.exitCode}${lines.length ? `: ${lines.join('\n')}` : ''}`);
  return ok();
}

/** `sudo ` when the provisioner runs its commands with sudo. */
export const sudoPrefix = (sudo: boolean): string => (sudo ? 'sudo ' : '');

/** Creates `dir` on the machine and opens it to everyone, so uploads as the connecting user work when it was made with sudo. */
export async function createStagingDir(ctx: ProvisionContext, comm: Communicator, dir: string, sudo: boolean): Promise<Result> {
  const q = shellQuote(dir);
  return runQuiet(ctx, comm, `${sudoPrefix(sudo)}mkdir -p ${q} && ${sudoPrefix(sudo)}chmod 0777 ${q}`);
}

/** Puts the contents of the local folder `local` into `remote` (created first), as Packer's UploadDir with a trailing slash. */
export async function uploadDirContents(ctx: ProvisionContext, comm: Communicator, local: string, remote: string, sudo: boolean): Promise<Result> {
  const made = await createStagingDir(ctx, comm, remote, sudo);
  if (!made.ok) return made;
  const up = await comm.upload(local.endsWith('/') ? local : `${local}/`, remote, ctx.signal);
  if (!up.ok && ctx.signal.aborted) return cancelled();
  return up;
}

/** Uploads one file; the error names what was being sent. */
export async function uploadFile(ctx: ProvisionContext, comm: Communicator, local: string, remote: string, what: string): Promise<Result> {
  const up = await comm.upload(local, remote, ctx.signal);
  if (up.ok) return up;
  if (ctx.signal.aborted) return cancelled();
  return err(`Error uploading ${what}: ${up.error}`);
}
