/**
 * Starting the machine: pick the host port forwarded to SSH (Packer's StepForwardSSH) and a VNC port, then launch QEMU
 * with a QMP socket in a private temp folder (Packer's stepRun). QEMU and the folder are tracked resources: the runner
 * stops and removes them on every path, or reports them.
 */
import { CANCELLED, cancelled, err, type Result } from '../../common/result';
import { packerLogEnabled } from '../../engine/packer-log';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildInfo } from '../../engine/plugin';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { qemuArgs } from './command-line';
import type { DiskPaths } from './disk';
import { freePortInRange } from './ports';
import { QemuProcess } from './process';
import { loadMemory } from './memory-state';
import { QmpClient } from './qmp';
import type { QemuConfig } from './read-config';
import { placeholders, type QemuState } from './state';

/** kvm when /dev/kvm can be opened and the CPU has virtualisation extensions, else software emulation. */
export function autoAccelerator(): 'kvm' | 'tcg' {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    const cpu = readFileSync('/proc/cpuinfo', 'utf8');
    return /\b(vmx|svm)\b/.test(cpu) ? 'kvm' : 'tcg';
  } catch {
    return 'tcg';
  }
}

export function forwardPortsStep(cfg: QemuConfig): Step<QemuState> {
  return {
    name: 'StepForwardSSH',
    async run(state, ctx) {
      if (cfg.communicator !== 'none' && !cfg.skipNatMapping) {
        ctx.ui.say(`Looking for available communicator (SSH, WinRM, etc) port between ${cfg.hostPortMin} and ${cfg.hostPortMax}`);
        const port = await freePortInRange('127.0.0.1', cfg.hostPortMin, cfg.hostPortMax, ctx.signal);
        if (port === undefined) return halt(ctx.signal.aborted ? CANCELLED : `Error finding port: no free port between ${cfg.hostPortMin} and ${cfg.hostPortMax} on 127.0.0.1`);
        ctx.ui.say(`Found port for communicator (SSH, WinRM, etc): ${port}.`);
        state.sshHostPort = port;
      }
      if (!cfg.vnc.disabled) {
        ctx.ui.say('Looking for available port between 5900 and 6000 on 127.0.0.1');
        const port = await freePortInRange(cfg.vnc.bindAddress, Math.max(cfg.vnc.portMin, 5900), cfg.vnc.portMax, ctx.signal);
        if (port === undefined) return halt(ctx.signal.aborted ? CANCELLED : `Error finding VNC port between ${cfg.vnc.portMin} and ${cfg.vnc.portMax}`);
        state.vncPort = port;
      }
      return CONTINUE;
    },
  };
}

export function runMachineStep(cfg: QemuConfig, paths: DiskPaths, build: BuildInfo): Step<QemuState> {
  return {
    name: 'stepRun',
    async run(state, ctx) {
      const { ui, signal } = ctx;
      ui.say(state.startMemory ? 'Starting VM, going on from the cached machine' : state.startDisk ? 'Starting VM, booting the cached disk' : cfg.diskImage ? 'Starting VM, booting disk image' : 'Starting VM, booting from CD-ROM');
      const dir = mkdtempSync(join(tmpdir(), 'bakehouse-qemu-'));
      ctx.track({ description: `temporary folder ${dir}`, howToRemove: `rm -rf ${dir}`, remove: async () => rmSync(dir, { recursive: true, force: true }) });
      const accelerator = cfg.accelerator === 'auto' ? autoAccelerator() : cfg.accelerator;
      if (cfg.accelerator === 'auto') ui.message(`Using the ${accelerator} accelerator${accelerator === 'tcg' ? ' (no usable /dev/kvm: software emulation, boots are slow)' : ''}`);
      const qmpSocket = cfg.qmpSocketPath || join(dir, 'qmp.sock');
      const commandLine = (incoming: boolean): ReturnType<typeof qemuArgs> =>
        qemuArgs(cfg, {
          disk: paths.disk,
          additionalDisks: paths.additional,
          // The CD stays attached to a cached machine (its saved memory has the CD drive in it), but the disk boots:
          // booting the installer again would start over.
          cdrom: cfg.diskImage ? undefined : state.downloaded,
          bootDisk: state.startDisk !== undefined,
          incoming,
          accelerator,
          sshHostPort: state.sshHostPort,
          communicatorPort: cfg.ssh?.port ?? 22,
          vncPort: state.vncPort,
          qmpSocket,
          hasDisplay: Boolean(build.env.DISPLAY || build.env.WAYLAND_DISPLAY),
          placeholders: placeholders(state, cfg.vmName, paths.outputDir),
        });
      const { args, overridden } = commandLine(state.startMemory !== undefined);
      if (overridden) ui.say('Overriding default Qemu arguments with qemuargs...');
      if (state.vncPort !== undefined) {
        ui.say(`The VM will be run headless, without a GUI. If you want to view the screen of the VM, connect via VNC without a password to vnc://${cfg.vnc.bindAddress}:${state.vncPort}`);
      }
      // Registered before QEMU starts, so a cancel at any moment from here on stops it.
      ctx.track({
        description: `QEMU machine ${cfg.vmName}`,
        howToRemove: `kill the ${cfg.qemuBinary} process of ${cfg.vmName}`,
        async remove(c) {
          state.qmp?.close();
          state.qmp = undefined;
          if (state.process?.running) c.ui.say('Stopping the virtual machine...');
          await state.process?.kill();
        },
      });
      // Like Packer, which writes the console only to its debug log: a booting guest prints hundreds of lines that would
      // bury the build's own. They go to the run log (and the app) as detail the CLI shows with PACKER_LOG, and their last
      // lines are reported when the machine never answers.
      if (!packerLogEnabled(build.env)) ui.message('The serial console is in the run log and shown here with PACKER_LOG=1; its last lines are reported if the machine never answers.');
      const launch = async (argv: string[]): Promise<Result<QmpClient>> => {
        ui.message(`Qemu command: ${cfg.qemuBinary} ${argv.join(' ')}`);
        const p = new QemuProcess({
          binary: cfg.qemuBinary,
          args: argv,
          env: build.env,
          cwd: build.cwd,
          onLine: (stream, line) => {
            if (stream === 'stderr') ui.output('stderr', `qemu: ${line}`);
            else ui.log(`serial: ${line}`);
          },
        });
        state.process = p;
        const qmp = await QmpClient.open(qmpSocket, { signal, timeoutMs: 60_000, alive: () => p.running });
        if (qmp.ok) return qmp;
        if (signal.aborted) return cancelled();
        await p.waitForExit(1000);
        const why = p.spawnError ? `${p.spawnError} (is qemu-system-x86 installed?)` : [qmp.error, ...p.lastErrors].join('\n');
        return err(`Error launching VM: Qemu failed to start: ${why}`);
      };
      let qmp = await launch(args);
      if (qmp.ok && state.startMemory) {
        const loaded = await loadMemory(qmp.value, state.startMemory, signal);
        if (signal.aborted) return halt(CANCELLED);
        if (loaded.ok) {
          state.restored = true;
          ui.say('The machine goes on from where the cached step left it (its memory restored: no boot)');
        } else {
          // A stream QEMU cannot load (another QEMU version, changed qemuargs) leaves the disk, which boots as well.
          const why = [loaded.error, ...(state.process?.lastErrors ?? [])].join(': ');
          ui.say(`Could not restore the cached machine's memory (${why}): booting the cached disk`);
          qmp.value.close();
          await state.process?.kill();
          qmp = await launch(commandLine(false).args);
        }
      }
      if (!qmp.ok) return halt(qmp.error);
      state.qmp = qmp.value;
      state.instanceId = cfg.vmName;
      return CONTINUE;
    },
  };
}
