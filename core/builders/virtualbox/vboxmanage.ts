/**
 * How the VirtualBox builders reach VirtualBox: every action is one `VBoxManage` command line. Steps talk to this
 * small interface, so tests can record the exact argv sequence without VirtualBox installed.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { err, ok, type Result } from '../../common/result';

export interface VBoxManage {
  /** Runs `VBoxManage <args…>`; the result is its standard output. */
  run(args: string[], signal: AbortSignal): Promise<Result<string>>;
}

/** VBoxManage on this machine: VBOX_INSTALL_PATH / VBOX_MSI_INSTALL_PATH first (as Packer), then PATH. */
export function findVBoxManage(env: Record<string, string | undefined>): string | undefined {
  const dirs = [env.VBOX_INSTALL_PATH, env.VBOX_MSI_INSTALL_PATH, ...(env.PATH ?? '').split(delimiter)].filter((d): d is string => !!d);
  for (const dir of dirs.flatMap((d) => d.split(delimiter))) {
    for (const name of ['VBoxManage', 'vboxmanage', 'VBoxManage.exe']) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // Not in this folder.
      }
    }
  }
  return undefined;
}

export interface CommandLineOptions {
  path: string;
  env: Record<string, string | undefined>;
  /** Relative paths in arguments (output_directory) are relative to the build's folder, as for Packer. */
  cwd?: string;
  /** Packer retries a command VirtualBox refused because the machine was busy (VBOX_E_INVALID_OBJECT_STATE), 5 tries a minute apart. */
  busyRetryMs?: number;
  /** Every command run, for the build log. */
  onCommand?(args: string[]): void;
}

export function commandLineVBoxManage(o: CommandLineOptions): VBoxManage {
  const once = (args: string[], signal: AbortSignal) =>
    new Promise<Result<string>>((resolve) => {
      o.onCommand?.(args);
      execFile(o.path, args, { env: o.env as NodeJS.ProcessEnv, cwd: o.cwd, signal, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const errText = stderr.trim();
        // VBoxManage sometimes exits 0 yet prints an error; Packer treats that as failure too.
        if (error || /VBoxManage([.a-z]+?): error:/.test(errText)) {
          if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return resolve(err(`VBoxManage not found at ${o.path}`));
          return resolve(err(`VBoxManage error: ${errText || (error as Error).message}`));
        }
        resolve(ok(stdout));
      });
    });
  return {
    async run(args, signal) {
      let result = await once(args, signal);
      for (let tries = 1; tries < 5 && !result.ok && result.error.includes('VBOX_E_INVALID_OBJECT_STATE') && !signal.aborted; tries++) {
        await new Promise((r) => setTimeout(r, o.busyRetryMs ?? 60_000));
        result = await once(args, signal);
      }
      return result;
    },
  };
}
