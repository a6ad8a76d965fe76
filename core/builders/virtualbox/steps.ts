/**
 * The VirtualBox builders' steps in Packer's order. Each step speaks to VirtualBox only through `VBoxManage`, passes data
 * to later steps only through VirtualBoxState, and registers what it creates (the machine, the output folder) as a tracked
 * resource before creating it: that resource is its one cleanup path.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { CANCELLED } from '../../common/result';
import { fillPlaceholders } from '../../engine/placeholders';
import type { BuildInfo } from '../../engine/plugin';
import { exportStep as sharedExportStep } from '../../engine/export-step';
import { outputDirStep as sharedOutputDirStep } from '../../engine/output-dir';
import { CONTINUE, halt, type Step, type StepContext } from '../../engine/steps';
import * as vbox from './commands';
import { planBootCommand } from './scancodes';
import { httpIp, type VirtualBoxState } from './state';
import type { VBoxManage } from './vboxmanage';

export interface VirtualBoxSettings {
  vmName: string;
  outputDir: string;
  outputFilename: string;
  format: 'ovf' | 'ova';
  exportOpts: string[];
  skipExport: boolean;
  keepRegistered: boolean;
  headless: boolean;
  vrdp: { address: string; portMin: number; portMax: number };
  vboxmanage: string[][];
  vboxmanagePost: string[][];
  bootWaitMs: number;
  bootCommand: string;
  /** Pause after each group of scancodes (boot_keygroup_interval; Packer's default 100ms). */
  keyIntervalMs: number;
  communicator: string;
  guestPort: number;
  hostPortMin: number;
  hostPortMax: number;
  skipNatMapping: boolean;
  shutdownCommand: string;
  shutdownTimeoutMs: number;
  postShutdownDelayMs: number;
  disableShutdown: boolean;
  acpiShutdown: boolean;
  bundleIso: boolean;
}

/** What the steps need from the outside world, replaceable in tests. */
export interface VirtualBoxDeps {
  vboxmanage: VBoxManage;
  /** A free TCP port in [min, max] on `address`. */
  pickPort(address: string, min: number, max: number): Promise<number | undefined>;
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
  now(): Date;
}

/** The downloaded ISO the machine boots from, and the controller it goes on. */
export interface BootIso {
  isoInterface: vbox.IsoInterface;
}

async function run(deps: VirtualBoxDeps, ctx: { signal: AbortSignal }, args: string[]): Promise<string | undefined> {
  const r = await deps.vboxmanage.run(args, ctx.signal);
  return r.ok ? undefined : r.error;
}

async function runAll(deps: VirtualBoxDeps, ctx: StepContext, commands: string[][], what: string) {
  for (const c of commands) {
    const err = await run(deps, ctx, c);
    if (err) return halt(`${what}: ${err}`);
  }
  return CONTINUE;
}

/** Packer 1.6.6's StepOutputDir for VirtualBox (core/engine/output-dir.ts). */
export function outputDirStep(s: VirtualBoxSettings, build: BuildInfo): Step<VirtualBoxState> {
  return sharedOutputDirStep({ outputDir: s.outputDir }, build);
}

export function suppressMessagesStep(deps: VirtualBoxDeps): Step<VirtualBoxState> {
  return {
    name: 'StepSuppressMessages',
    async run(_state, ctx) {
      for (const c of vbox.suppressMessages(deps.now().getFullYear())) {
        const err = await run(deps, ctx, c);
        if (err) return halt(`Error configuring VirtualBox to suppress messages: ${err}`);
      }
      return CONTINUE;
    },
  };
}

/**
 * Registers the machine for removal (`unregistervm --delete`) before the command that creates it runs. With
 * keep_registered a build that succeeded keeps it.
 */
function trackMachine(deps: VirtualBoxDeps, s: VirtualBoxSettings, ctx: StepContext, deleting: string): void {
  ctx.track({
    description: `VirtualBox machine ${s.vmName}`,
    howToRemove: `VBoxManage unregistervm ${s.vmName} --delete`,
    async remove(c) {
      if (s.keepRegistered && !c.halted && !c.cancelled) {
        c.ui.say('Keeping virtual machine registered with VirtualBox host (keep_registered = true)');
        return;
      }
      c.ui.say(deleting);
      const err = await run(deps, { signal: new AbortController().signal }, vbox.deleteVm(s.vmName));
      if (err) throw new Error(`Error deleting VM: ${err}`);
    },
  });
}

export function createVmStep(deps: VirtualBoxDeps, s: VirtualBoxSettings, hw: Omit<vbox.NewMachine, 'name'>): Step<VirtualBoxState> {
  return {
    name: 'stepCreateVM',
    async run(state, ctx) {
      ctx.ui.say('Creating virtual machine...');
      trackMachine(deps, s, ctx, 'Deregistering and deleting VM...');
      const r = await runAll(deps, ctx, vbox.createVm({ name: s.vmName, ...hw }), 'Error creating VM');
      state.instanceId = s.vmName;
      return r;
    },
  };
}

/** Imports the OVF/OVA StepDownload verified (`source` as written, when nothing was downloaded). */
export function importStep(deps: VirtualBoxDeps, s: VirtualBoxSettings, source: string, flags: string[]): Step<VirtualBoxState> {
  return {
    name: 'StepImport',
    async run(state, ctx) {
      const path = state.downloaded ?? source;
      ctx.ui.say(`Importing VM: ${path}`);
      trackMachine(deps, s, ctx, 'Deregistering and deleting imported VM...');
      const err = await run(deps, ctx, vbox.importVm(s.vmName, path, flags));
      if (err) return halt(`Error importing VM: ${err}`);
      state.instanceId = s.vmName;
      return CONTINUE;
    },
  };
}

export function createDiskStep(deps: VirtualBoxDeps, s: VirtualBoxSettings, disk: Omit<vbox.NewDisk, 'vm'>): Step<VirtualBoxState> {
  return {
    name: 'stepCreateDisk',
    async run(_state, ctx) {
      ctx.ui.say('Creating hard drive...');
      const [create, ...rest] = vbox.createDisk({ vm: s.vmName, ...disk });
      const err = await run(deps, ctx, create);
      if (err) return halt(`Error creating hard drive: ${err}`);
      const attach = rest.pop()!;
      const made = await runAll(deps, ctx, rest, 'Error creating disk controller');
      if (!made.ok) return made;
      const attached = await run(deps, ctx, attach);
      return attached ? halt(`Error attaching hard drive: ${attached}`) : CONTINUE;
    },
  };
}

/** Attaches the boot ISO StepDownload verified; virtualbox-ovf boots from its imported disk and has no `bootIso`. */
export function attachIsoStep(deps: VirtualBoxDeps, s: VirtualBoxSettings, bootIso: BootIso | undefined): Step<VirtualBoxState> {
  return {
    name: 'StepAttachISOs',
    async run(state, ctx) {
      ctx.ui.say('Mounting ISOs...');
      const path = state.downloaded;
      if (!bootIso || !path) {
        ctx.ui.message('No ISOs to mount; continuing...');
        return CONTINUE;
      }
      ctx.ui.message('Mounting boot ISO...');
      const { attach, detach } = vbox.attachIso(s.vmName, path, bootIso.isoInterface);
      const err = await run(deps, ctx, attach);
      if (err) return halt(`Error attaching ISO: ${err}`);
      state.detach = [...(state.detach ?? []), detach];
      return CONTINUE;
    },
    // A setting of the machine, not a thing of its own: undone here unless StepRemoveDevices already did.
    async cleanup(state, c) {
      for (const d of state.detach ?? []) await run(deps, c, d);
      state.detach = [];
    },
  };
}

export function vrdpStep(deps: VirtualBoxDeps, s: VirtualBoxSettings): Step<VirtualBoxState> {
  return {
    name: 'StepConfigureVRDP',
    async run(state, ctx) {
      const port = await deps.pickPort(s.vrdp.address, s.vrdp.portMin, s.vrdp.portMax);
      if (port === undefined) return halt(`Error finding port: no free port between ${s.vrdp.portMin} and ${s.vrdp.portMax} on ${s.vrdp.address}`);
      const err = await run(deps, ctx, vbox.configureVrdp(s.vmName, s.vrdp.address, port));
      if (err) return halt(`Error enabling VRDP: ${err}`);
      state.vrdp = { address: s.vrdp.address, port };
      return CONTINUE;
    },
  };
}

export function portForwardingStep(deps: VirtualBoxDeps, s: VirtualBoxSettings): Step<VirtualBoxState> {
  return {
    name: 'StepPortForwarding',
    async run(state, ctx) {
      if (s.communicator === 'none') return CONTINUE;
      state.commHostPort = s.guestPort;
      if (s.skipNatMapping) return CONTINUE;
      const port = await deps.pickPort('127.0.0.1', s.hostPortMin, s.hostPortMax);
      if (port === undefined) return halt(`Error creating port forwarding rule: no free port between ${s.hostPortMin} and ${s.hostPortMax}`);
      state.commHostPort = port;
      const [nic, rule] = vbox.natForward(s.vmName, port, s.guestPort);
      const nicErr = await run(deps, ctx, nic);
      if (nicErr) return halt(`Failed to configure NAT interface: ${nicErr}`);
      ctx.ui.say(`Creating forwarded port mapping for communicator (SSH, WinRM, etc) (host port ${port})`);
      let err = await run(deps, ctx, rule);
      if (err?.includes('A NAT rule of this name already exists')) {
        const del = await run(deps, ctx, vbox.deleteNatForward(s.vmName));
        if (del) return halt(`Error deleting packer NAT forwarding rule: ${del}`);
        err = await run(deps, ctx, rule);
      }
      return err ? halt(`Error creating port forwarding rule: ${err}`) : CONTINUE;
    },
  };
}

export function customCommandsStep(deps: VirtualBoxDeps, s: VirtualBoxSettings, commands: string[][]): Step<VirtualBoxState> {
  return {
    name: 'StepVBoxManage',
    async run(state, ctx) {
      if (commands.length > 0) ctx.ui.say('Executing custom VBoxManage commands...');
      const data = { Name: s.vmName, HTTPIP: httpIp(state), HTTPPort: String(state.httpPort ?? 0) };
      for (const c of vbox.customCommands(commands, data, fillPlaceholders)) {
        ctx.ui.message(`Executing: ${c.join(' ')}`);
        const err = await run(deps, ctx, c);
        if (err) return halt(`Error executing command: ${err}`);
      }
      return CONTINUE;
    },
  };
}

/** Boots the machine; its cleanup powers it off (so its media can be detached and it can be deleted) if it still runs. */
export function startVmStep(deps: VirtualBoxDeps, s: VirtualBoxSettings): Step<VirtualBoxState> {
  // Private to this step: whether its cleanup has a machine to power off.
  let started = false;
  return {
    name: 'StepRun',
    async run(state, ctx) {
      ctx.ui.say('Starting the virtual machine...');
      if (s.headless) {
        ctx.ui.message(
          state.vrdp
            ? `The VM will be run headless, without a GUI. If you want to\nview the screen of the VM, connect via VRDP without a password to\nrdp://${state.vrdp.address}:${state.vrdp.port}`
            : "The VM will be run headless, without a GUI, as configured.\nIf the run isn't succeeding as you expect, please enable the GUI\nto inspect the progress of the build.",
        );
      }
      started = true;
      const err = await run(deps, ctx, vbox.startVm(s.vmName, s.headless));
      return err ? halt(`Error starting VM: ${err}`) : CONTINUE;
    },
    async cleanup(_state, c) {
      if (!started) return;
      const info = await deps.vboxmanage.run(vbox.machineInfo(s.vmName), c.signal);
      if (info.ok && vbox.isRunning(info.value)) {
        const err = await run(deps, c, vbox.powerOff(s.vmName));
        if (err) c.ui.error(`Error shutting down VM: ${err}`);
      }
    },
  };
}

export function bootCommandStep(deps: VirtualBoxDeps, s: VirtualBoxSettings): Step<VirtualBoxState> {
  return {
    name: 'StepTypeBootCommand',
    async run(state, ctx) {
      if (s.bootWaitMs > 0) {
        ctx.ui.say(`Waiting ${formatMs(s.bootWaitMs)} for boot...`);
        if (!(await deps.sleep(s.bootWaitMs, ctx.signal))) return halt(CANCELLED);
      }
      ctx.ui.say('Typing the boot command...');
      // These builders make no temporary key pair (Packer's StepSSHKeyGen) yet, so `{{ .SSHPublicKey }}` is empty.
      const command = fillPlaceholders(s.bootCommand, { HTTPIP: httpIp(state), HTTPPort: String(state.httpPort ?? 0), Name: s.vmName, SSHPublicKey: '' });
      const plan = planBootCommand(command);
      if (!plan.ok) return halt(`Error generating boot command: ${plan.error}`);
      for (const a of plan.value) {
        if (a.kind === 'wait') {
          if (!(await deps.sleep(a.ms, ctx.signal))) return halt(CANCELLED);
          continue;
        }
        const err = await run(deps, ctx, vbox.putScancodes(s.vmName, a.codes));
        if (err) return halt(`Error running boot command: ${err}`);
        if (!(await deps.sleep(s.keyIntervalMs, ctx.signal))) return halt(CANCELLED);
      }
      return CONTINUE;
    },
  };
}

export function shutdownStep(deps: VirtualBoxDeps, s: VirtualBoxSettings): Step<VirtualBoxState> {
  return {
    name: 'StepShutdown',
    async run(state, ctx) {
      if (s.acpiShutdown) {
        ctx.ui.say('Shuting down the virtual machine via ACPI power button...');
        const err = await run(deps, ctx, vbox.acpiPowerButton(s.vmName));
        if (err) return halt(`Error stopping VM: ${err}`);
      } else if (!s.disableShutdown) {
        if (s.shutdownCommand !== '' && state.communicator) {
          ctx.ui.say('Gracefully halting virtual machine...');
          const r = await state.communicator.run(s.shutdownCommand, { signal: ctx.signal, onLine: (stream, line) => ctx.ui.output(stream, line) });
          if (!r.ok) return halt(`Failed to send shutdown command: ${r.error}`);
        } else {
          ctx.ui.say('Halting the virtual machine...');
          const err = await run(deps, ctx, vbox.powerOff(s.vmName));
          if (err) return halt(`Error stopping VM: ${err}`);
        }
      } else {
        ctx.ui.say('Automatic shutdown disabled. Please shutdown virtual machine.');
      }
      const deadline = Date.now() + s.shutdownTimeoutMs;
      for (;;) {
        const info = await deps.vboxmanage.run(vbox.machineInfo(s.vmName), ctx.signal);
        if (!info.ok || !vbox.isRunning(info.value)) break;
        if (Date.now() >= deadline) return halt('Timeout while waiting for machine to shutdown.');
        if (!(await deps.sleep(500, ctx.signal))) return halt(CANCELLED);
      }
      if (s.postShutdownDelayMs > 0 && !(await deps.sleep(s.postShutdownDelayMs, ctx.signal))) return halt(CANCELLED);
      return CONTINUE;
    },
  };
}

export function removeDevicesStep(deps: VirtualBoxDeps, s: VirtualBoxSettings): Step<VirtualBoxState> {
  return {
    name: 'StepRemoveDevices',
    async run(state, ctx) {
      // The boot ISO is the first attached; bundle_iso keeps it in the export.
      const attached = state.detach ?? [];
      const detach = s.bundleIso ? attached.slice(1) : attached;
      for (const d of detach) {
        const err = await run(deps, ctx, d);
        if (err) return halt(`Error detaching ISO: ${err}`);
      }
      state.detach = [];
      return CONTINUE;
    },
  };
}

export function exportStep(deps: VirtualBoxDeps, s: VirtualBoxSettings): Step<VirtualBoxState> {
  return sharedExportStep(s.skipExport, async (state, ctx) => {
    ctx.ui.say('Preparing to export machine...');
    if (!s.skipNatMapping && state.commHostPort !== undefined && state.commHostPort !== 0) {
      ctx.ui.message(`Deleting forwarded port mapping for the communicator (SSH, WinRM, etc) (host port ${state.commHostPort})`);
      const err = await run(deps, ctx, vbox.deleteNatForward(s.vmName));
      if (err) return halt(`Error deleting port forwarding rule: ${err}`);
    }
    const outputPath = join(s.outputDir, `${s.outputFilename || s.vmName}.${s.format}`);
    const command = vbox.exportVm(s.vmName, outputPath, s.exportOpts);
    ctx.ui.say('Exporting virtual machine...');
    ctx.ui.message(`Executing: ${command.join(' ')}`);
    const err = await run(deps, ctx, command);
    if (err) return halt(`Error exporting virtual machine: ${err}`);
    return CONTINUE;
  });
}

/** The output folder's files after the build: Packer's VirtualBox artifact. */
export function outputFiles(outputDir: string, cwd: string): string[] {
  const dir = resolve(cwd, outputDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().map((f) => join(outputDir, f));
}

/** Packer's "Waiting 10s for boot..." wording: Go's duration text. */
function formatMs(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  const total = ms / 1000;
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return `${h ? `${h}h` : ''}${h || min ? `${min}m` : ''}${sec}s`;
}

/** A free port in the range, found by listening on it briefly. */
export async function firstFreePort(address: string, min: number, max: number): Promise<number | undefined> {
  for (let port = min; port <= max; port++) {
    const free = await new Promise<boolean>((r) => {
      const srv = createServer();
      srv.once('error', () => r(false));
      srv.listen(port, address, () => srv.close(() => r(true)));
    });
    if (free) return port;
  }
  return undefined;
}
