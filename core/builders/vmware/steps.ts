/**
 * The VMware builders' steps in packer-plugin-vmware v2.1.0's order (iso/builder.go, vmx/builder.go). Each reaches
 * VMware only through `Tools`, passes data on only through VmwareState, and registers what it creates (the output
 * folder, the running machine) as a tracked resource before creating it.
 */
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CANCELLED } from '../../common/result';
import { afterGrace, CREATE_GRACE_MS } from '../../engine/retry';
import type { SshConfig } from '../../communicators/ssh/config';
import { waitForSshStep } from '../../communicators/ssh/wait';
import { fillPlaceholders } from '../../engine/placeholders';
import type { BuildInfo, BuildState } from '../../engine/plugin';
import { exportStep as sharedExportStep } from '../../engine/export-step';
import { outputDirStep as sharedOutputDirStep } from '../../engine/output-dir';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { parseBootCommand } from '../qemu/boot-command';
import { sleep } from '../../engine/retry';
import { firstFreePort } from '../virtualbox/steps';
import { compactDiskCommands, createDiskCommand, defaultLeaseFiles, isListed, readLeases, vmrun, type Tools } from './driver';
import { keysymsForChord } from './keysyms';
import { vmxDisks, writeOvf } from './ovf';
import { connectRfb } from './rfb';
import type { VmwareSettings } from './settings';
import type { VmwareState } from './state';
import { cleanVmx, configureVmx, encodeVmx, machineVmx, parseVmx, withVnc, type NewMachine, type Vmx } from './vmx';

const readVmx = (path: string): Vmx => parseVmx(readFileSync(path, 'utf8'));
const writeVmx = (path: string, vmx: Vmx): void => writeFileSync(path, encodeVmx(vmx));

async function run(tools: Tools, program: string, args: string[], signal: AbortSignal): Promise<string | undefined> {
  const r = await tools.run(program, args, signal);
  return r.ok ? undefined : r.error;
}

export function verifyStep(tools: Tools | undefined): Step<BuildState> {
  return {
    name: 'StepVerifyVMware',
    async run() {
      return tools ? CONTINUE : halt('Failed creating VMware driver: unable to find vmrun in PATH; install VMware Workstation or Player');
    },
  };
}

/** The vmware plugin's StepOutputDir: an empty folder already there is free (core/engine/output-dir.ts). */
export function outputDirStep(s: VmwareSettings, build: BuildInfo): Step<VmwareState> {
  return sharedOutputDirStep(
    { outputDir: s.outputDir, exists: `output directory exists: ${s.outputDir}\n\nuse the force flag to delete it prior to building`, emptyIsFree: true, announce: 'Configuring output and export directories...' },
    build,
  );
}

export interface MainDisk {
  name: string;
  sizeMb: number;
  adapterType: string;
  typeId: string;
}

export function createDisksStep(tools: Tools, s: VmwareSettings, build: BuildInfo, disk: MainDisk): Step<VmwareState> {
  return {
    name: 'StepCreateDisks',
    async run(state, ctx) {
      ctx.ui.say('Creating virtual disks...');
      const path = join(resolve(build.cwd, s.outputDir), `${disk.name}.vmdk`);
      const command = createDiskCommand(tools, path, disk.sizeMb, disk.adapterType, disk.typeId);
      if (!command.ok) return halt(`error creating virtual disk: ${command.error}`);
      const error = await run(tools, command.value[0], command.value[1], ctx.signal);
      if (error) return halt(ctx.signal.aborted ? CANCELLED : `error creating virtual disk: ${error}`);
      state.disks = [path];
      return CONTINUE;
    },
  };
}

export function createVmxStep(s: VmwareSettings, build: BuildInfo, machine: Omit<NewMachine, 'isoPath' | 'name' | 'hardwareVersion'>, cdromDevice: string): Step<VmwareState> {
  return {
    name: 'StepCreateVMX',
    async run(state, ctx) {
      ctx.ui.say('Generating the .vmx file...');
      const iso = state.downloaded;
      if (!iso) return halt('error creating VMX file: no ISO was downloaded');
      const vmxPath = join(resolve(build.cwd, s.outputDir), `${s.vmName}.vmx`);
      writeVmx(vmxPath, machineVmx({ ...machine, name: s.vmName, isoPath: resolve(build.cwd, iso), hardwareVersion: s.hardwareVersion }));
      state.vmxPath = vmxPath;
      state.temporaryDevices = [cdromDevice];
      return CONTINUE;
    },
  };
}

/** vmware-vmx: copies the source machine's .vmx and its disks into the output folder under the new name, as a full clone. */
export function cloneVmxStep(s: VmwareSettings, build: BuildInfo, sourcePath: string): Step<VmwareState> {
  return {
    name: 'StepCloneVMX',
    async run(state, ctx) {
      const source = resolve(build.cwd, sourcePath);
      ctx.ui.say(`Cloning source VM: ${sourcePath}`);
      let vmx: Vmx;
      try {
        vmx = readVmx(source);
      } catch (e) {
        return halt(`error reading VMX file: ${(e as Error).message}`);
      }
      const outDir = resolve(build.cwd, s.outputDir);
      const disks: string[] = [];
      for (const key of [...vmx.keys()].filter((k) => /^(scsi|sata|ide|nvme)\d+:\d+\.filename$/.test(k) && vmx.get(k)!.toLowerCase().endsWith('.vmdk'))) {
        const from = resolve(dirname(source), vmx.get(key)!);
        const name = `${s.vmName}-${basename(from)}`;
        if (ctx.signal.aborted) return halt(CANCELLED);
        try {
          // A split (twoGbMaxExtent*) disk names its extents in its descriptor; they are copied beside it unchanged.
          copyFileSync(from, join(outDir, name));
          for (const extent of extentsOf(from)) copyFileSync(join(dirname(from), extent), join(outDir, extent));
        } catch (e) {
          return halt(`error copying disk ${from}: ${(e as Error).message}`);
        }
        vmx.set(key, name);
        disks.push(join(outDir, name));
      }
      vmx.set('displayname', s.vmName);
      vmx.set('nvram', `${s.vmName}.nvram`);
      const vmxPath = join(outDir, `${s.vmName}.vmx`);
      writeVmx(vmxPath, vmx);
      state.vmxPath = vmxPath;
      state.disks = disks;
      state.temporaryDevices = [];
      return CONTINUE;
    },
  };
}

/** The extent files a text VMDK descriptor names (`RW 4192256 SPARSE "disk-s001.vmdk"`); none for a single-file disk. */
function extentsOf(vmdk: string): string[] {
  const head = readFileSync(vmdk).subarray(0, 64 * 1024).toString('latin1');
  if (!head.includes('# Disk DescriptorFile') || head.startsWith('KDMV')) return [];
  return [...head.matchAll(/^(?:RW|RDONLY|NOACCESS)\s+\d+\s+\w+\s+"([^"]+)"/gm)].map((m) => m[1]!).filter((f) => f !== basename(vmdk));
}

export function configureVmxStep(s: VmwareSettings, custom: () => Record<string, string>, name: string): Step<VmwareState> {
  return {
    name,
    async run(state, ctx) {
      if (!state.vmxPath) return halt('error configuring VMX: no .vmx');
      if (Object.keys(custom()).length > 0) ctx.ui.say('Configuring VMX...');
      writeVmx(state.vmxPath, configureVmx(readVmx(state.vmxPath), custom(), { vmName: s.vmName, displayName: s.displayName }));
      return CONTINUE;
    },
  };
}

/** Turns on the machine's VNC server on a free port, with a random password unless vnc_disable_password. */
export function configureVncStep(s: VmwareSettings): Step<VmwareState> {
  return {
    name: 'StepConfigureVNC',
    async run(state, ctx) {
      if (!s.vnc.enabled || !state.vmxPath) return CONTINUE;
      ctx.ui.say('Configuring VNC...');
      const port = await firstFreePort(s.vnc.address, s.vnc.portMin, s.vnc.portMax);
      if (port === undefined) return halt(`unable to find available VNC port between ${s.vnc.portMin} and ${s.vnc.portMax}`);
      const password = s.vnc.disablePassword ? '' : Math.random().toString(36).slice(2, 10);
      writeVmx(state.vmxPath, withVnc(readVmx(state.vmxPath), s.vnc.address, port, password));
      state.vnc = { address: s.vnc.address, port, password };
      return CONTINUE;
    },
  };
}

/** Boots the machine; tracked before `vmrun start`, so a failed or cancelled build stops it (`vmrun stop … hard`). */
export function runStep(tools: Tools, s: VmwareSettings): Step<VmwareState> {
  return {
    name: 'StepRun',
    async run(state, ctx) {
      const vmx = state.vmxPath!;
      ctx.ui.say('Starting virtual machine...');
      if (s.headless) {
        ctx.ui.message(
          state.vnc
            ? `The VM will be run headless, without a GUI. If you want to\nview the screen of the VM, connect via VNC with the password "${state.vnc.password}" to\nvnc://${state.vnc.address}:${state.vnc.port}`
            : 'The VM will be run headless, without a GUI, as configured.',
        );
      }
      ctx.track({
        description: `VMware machine ${s.vmName} (running)`,
        howToRemove: `vmrun -T ws stop ${vmx} hard`,
        async remove(c) {
          const listed = await tools.run(tools.vmrun, vmrun.list(), c.signal);
          if (listed.ok && !isListed(listed.value, vmx)) return;
          c.ui.say('Stopping virtual machine...');
          const error = await run(tools, tools.vmrun, vmrun.stop(vmx), c.signal);
          if (!error) return;
          // A guest already going down when it was listed (shutdown_command, a cancel mid-shutdown) is off now: no failure.
          const again = await tools.run(tools.vmrun, vmrun.list(), c.signal);
          if (again.ok && !isListed(again.value, vmx)) return;
          throw new Error(`error stopping VM: ${error}`);
        },
      });
      // Not cut short by a cancel: a vmrun killed mid-start may still power the machine on, unknown to the cleanup.
      const error = await run(tools, tools.vmrun, vmrun.start(vmx, s.headless), afterGrace(ctx.signal, CREATE_GRACE_MS));
      if (ctx.signal.aborted) return halt(CANCELLED);
      if (error) return halt(`error starting VM: ${error}`);
      state.instanceId = s.vmName;
      return CONTINUE;
    },
  };
}

/** Types boot_command through the machine's VNC server with the boot-command engine QEMU uses. */
export function vncBootCommandStep(s: VmwareSettings, connectTo: (state: VmwareState) => { host: string; port: number; password: string } | undefined = (st) => st.vnc && { host: st.vnc.address, port: st.vnc.port, password: st.vnc.password }): Step<VmwareState> {
  return {
    name: 'StepVNCBootCommand',
    async run(state, ctx) {
      if (!s.vnc.enabled) return CONTINUE;
      if (s.bootWaitMs > 0) {
        ctx.ui.say(`Waiting ${s.bootWaitMs % 1000 === 0 ? `${s.bootWaitMs / 1000}s` : `${s.bootWaitMs}ms`} for boot...`);
        if (!(await sleep(s.bootWaitMs, ctx.signal))) return halt(CANCELLED);
      }
      if (s.bootCommand.length === 0) return CONTINUE;
      const target = connectTo(state);
      if (!target) return halt('error typing the boot command: the machine has no VNC server');
      ctx.ui.say('Connecting to VNC...');
      const session = await connectRfb({ ...target, signal: ctx.signal });
      if (!session.ok) return halt(ctx.signal.aborted ? CANCELLED : session.error);
      try {
        ctx.ui.say('Typing the boot command over VNC...');
        const data = { HTTPIP: state.httpPort ? hostIpOn(s.network) : '', HTTPPort: String(state.httpPort ?? 0), Name: s.vmName, SSHPublicKey: '' };
        for (const line of s.bootCommand) {
          const parsed = parseBootCommand(fillPlaceholders(line, data));
          if (!parsed.ok) return halt(parsed.error);
          for (const a of parsed.value) {
            if (ctx.signal.aborted) return halt(CANCELLED);
            if (a.kind === 'wait') {
              if (!(await sleep(a.ms, ctx.signal))) return halt(CANCELLED);
              continue;
            }
            const keys = a.kind === 'tap' ? a.keys : [a.key];
            const syms = keysymsForChord(keys);
            if (!syms) return halt(`error typing the boot command: no keysym for ${keys.join('+')}`);
            if (a.kind !== 'up') for (const k of syms) await session.value.key(k, true);
            if (a.kind !== 'down') for (const k of [...syms].reverse()) await session.value.key(k, false);
            const pause = a.kind === 'tap' ? s.keyIntervalMs : s.keygroupIntervalMs;
            if (pause > 0 && !(await sleep(pause, ctx.signal))) return halt(CANCELLED);
          }
        }
      } catch (e) {
        return halt(`error typing the boot command: ${(e as Error).message}`);
      } finally {
        session.value.close();
      }
      return CONTINUE;
    },
  };
}

/**
 * Finds the guest's address — from VMware's DHCP leases for the MAC the machine was given, else from
 * `vmrun getGuestIPAddress` (VMware Tools) — then connects over SSH.
 */
export function connectStep(tools: Tools, s: VmwareSettings, ssh: SshConfig): Step<VmwareState> {
  let inner: Step<BuildState> | undefined;
  return {
    name: 'StepConnect',
    async run(state, ctx) {
      const vmx = state.vmxPath!;
      const deadline = Date.now() + ssh.timeoutMs;
      let ip = ssh.host || undefined;
      while (!ip) {
        const mac = readVmx(vmx).get('ethernet0.generatedaddress') ?? readVmx(vmx).get('ethernet0.address');
        if (mac) ip = readLeases(s.leaseFiles ?? defaultLeaseFiles(s.network), mac);
        if (!ip) {
          const r = await tools.run(tools.vmrun, vmrun.guestIp(vmx), ctx.signal);
          if (r.ok && /^\d+\.\d+\.\d+\.\d+$/.test(r.value.trim())) ip = r.value.trim();
        }
        if (ip) break;
        if (ctx.signal.aborted) return halt(CANCELLED);
        if (Date.now() > deadline) return halt('Timeout waiting for SSH: the machine has no IP address');
        if (!(await sleep(1000, ctx.signal))) return halt(CANCELLED);
      }
      state.guestIp = ip;
      inner = waitForSshStep({ ...ssh, host: ip });
      return inner.run(state, ctx);
    },
    async cleanup(state, ctx) {
      await inner?.cleanup?.(state, ctx);
    },
  };
}

export function shutdownStep(tools: Tools, s: VmwareSettings): Step<VmwareState> {
  return {
    name: 'StepShutdown',
    async run(state, ctx) {
      const vmx = state.vmxPath!;
      if (s.shutdownCommand !== '' && state.communicator) {
        ctx.ui.say('Gracefully halting virtual machine...');
        const r = await state.communicator.run(s.shutdownCommand, { signal: ctx.signal, onLine: (stream, line) => ctx.ui.output(stream, line) });
        if (ctx.signal.aborted) return halt(CANCELLED);
        // The SSH connection usually drops as the guest goes down (the plugin only starts the command): only a command
        // that exits with an error, the machine still up a few seconds later, is a failure.
        const failedWith = r.ok && r.value.exitCode !== 0 ? r.value.exitCode : undefined;
        ctx.ui.say('Waiting for virtual machine to shut down...');
        const deadline = Date.now() + (failedWith === undefined ? s.shutdownTimeoutMs : Math.min(5000, s.shutdownTimeoutMs));
        for (;;) {
          const listed = await tools.run(tools.vmrun, vmrun.list(), ctx.signal);
          if (!listed.ok) return halt(ctx.signal.aborted ? CANCELLED : `error checking whether the VM is running: ${listed.error}`);
          if (!isListed(listed.value, vmx)) break;
          if (Date.now() > deadline) return halt(failedWith === undefined ? 'timeout waiting for virtual machine to shut down' : `error sending shutdown command: exit status ${failedWith}`);
          if (!(await sleep(150, ctx.signal))) return halt(CANCELLED);
        }
      } else {
        ctx.ui.say('Forcibly halting virtual machine...');
        const error = await run(tools, tools.vmrun, vmrun.stop(vmx), ctx.signal);
        if (error) return halt(`error stopping VM: ${error}`);
      }
      ctx.ui.say('Virtual machine shut down.');
      return CONTINUE;
    },
  };
}

/** StepCleanFiles: deletes what the machine left (logs, lock folders, nvram swap) except its .vmx, .vmxf, .vmsd, .nvram and disks. */
export function cleanFilesStep(s: VmwareSettings, build: BuildInfo): Step<VmwareState> {
  const keep = ['.nvram', '.vmdk', '.vmsd', '.vmx', '.vmxf'];
  return {
    name: 'StepCleanFiles',
    async run(_state, ctx) {
      ctx.ui.say('Deleting unnecessary files...');
      const dir = resolve(build.cwd, s.outputDir);
      for (const f of readdirSync(dir)) {
        if (keep.some((e) => f.endsWith(e))) continue;
        ctx.ui.message(`Deleting: ${join(s.outputDir, f)}`);
        rmSync(join(dir, f), { recursive: true, force: true });
      }
      return CONTINUE;
    },
  };
}

export function compactDiskStep(tools: Tools, s: VmwareSettings): Step<VmwareState> {
  return {
    name: 'StepCompactDisk',
    async run(state, ctx) {
      if (s.skipCompaction) {
        ctx.ui.say('Skipping disk compaction...');
        return CONTINUE;
      }
      for (const disk of state.disks ?? []) {
        const commands = compactDiskCommands(tools, disk);
        if (commands.length === 0) {
          ctx.ui.message(`vmware-vdiskmanager is not installed; disk ${basename(disk)} is left uncompacted.`);
          continue;
        }
        ctx.ui.say(`Compacting all attached virtual disks...`);
        for (const [program, args] of commands) {
          const error = await run(tools, program, args, ctx.signal);
          if (error) return halt(`error compacting disk: ${error}`);
        }
      }
      return CONTINUE;
    },
  };
}

export function cleanVmxStep(s: VmwareSettings): Step<VmwareState> {
  return {
    name: 'StepCleanVMX',
    async run(state, ctx) {
      ctx.ui.say('Cleaning VMX prior to finishing up...');
      const vmx = state.vmxPath!;
      writeVmx(vmx, cleanVmx(readVmx(vmx), { devices: state.temporaryDevices ?? [], removeEthernet: s.removeEthernet, vncEnabled: s.vnc.enabled }));
      return CONTINUE;
    },
  };
}

/** ovftool `<options…> <vmx> <out>.<format>` as the plugin runs it, or Bakehouse's own OVF writer without ovftool. */
export function exportStep(tools: Tools, s: VmwareSettings, build: BuildInfo): Step<VmwareState> {
  return sharedExportStep(s.skipExport, async (state, ctx) => {
    ctx.ui.say('Exporting virtual machine...');
    const format = s.format === 'ova' ? 'ova' : 'ovf';
    const outDir = resolve(build.cwd, s.outputDir);
    const vmx = state.vmxPath!;
    if (tools.ovftool) {
      const args = [...s.ovftoolOptions, vmx, join(outDir, `${s.vmName}.${format}`)];
      ctx.ui.say(`Executing: ${tools.ovftool} ${args.join(' ')}`);
      const error = await run(tools, tools.ovftool, args, ctx.signal);
      return error ? halt(`error performing ovftool export: ${error}`) : CONTINUE;
    }
    ctx.ui.message('ovftool is not installed; writing the OVF with Bakehouse\'s own exporter.');
    const parsed = readVmx(vmx);
    const written = await writeOvf({ vmName: s.vmName, vmx: parsed, disks: vmxDisks(parsed, dirname(vmx)), outDir, format, tools, signal: ctx.signal });
    return written.ok ? CONTINUE : halt(ctx.signal.aborted ? CANCELLED : `error exporting virtual machine: ${written.error}`);
  });
}

/** `{{ .HTTPIP }}`: this host's address on the VMware network the guest is on (vmnet8 for nat, vmnet1 for hostonly). */
export function hostIpOn(network: string): string {
  const device = network === 'nat' ? 'vmnet8' : network === 'hostonly' ? 'vmnet1' : network;
  return networkInterfaces()[device]?.find((a) => a.family === 'IPv4')?.address ?? '';
}
