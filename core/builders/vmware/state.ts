/** What the VMware builders' steps share (the pattern is in core/engine/steps.ts); each field is filled by one step. */
import type { DownloadState } from '../qemu/download';
import type { HttpServerState } from '../qemu/http-server';

export interface VmwareState extends DownloadState, HttpServerState {
  /** StepCreateVMX / StepCloneVMX: the machine's .vmx, absolute. */
  vmxPath?: string;
  /** The machine's disks, absolute paths, in the order the .vmx names them. */
  disks?: string[];
  /** Devices attached only for the build (the install CD-ROM), detached by StepCleanVMX. */
  temporaryDevices?: string[];
  /** StepConfigureVNC: where the machine's VNC server listens. */
  vnc?: { address: string; port: number; password: string };
  /** StepConnect: the guest's address. */
  guestIp?: string;
}
