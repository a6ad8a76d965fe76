/**
 * What the qemu builder's steps share, declared once (the pattern is in core/engine/steps.ts). Each field is filled by one
 * step and read by later ones; nothing else passes between steps.
 */
import type { DownloadState } from './download';
import type { HttpServerState } from './http-server';
import type { QemuProcess } from './process';
import type { QmpClient } from './qmp';

export interface QemuState extends DownloadState, HttpServerState {
  /** StepSSHKeyGen: the temporary key pair made when no SSH credentials are given. */
  temporaryKey?: { publicKey: string; privateKey: string };
  /** StepForwardSSH: the host port forwarded to the guest's SSH port. */
  sshHostPort?: number;
  /** StepForwardSSH: the VNC display's port. */
  vncPort?: number;
  /** stepRun: the running QEMU and its QMP connection. */
  process?: QemuProcess;
  qmp?: QmpClient;
  /** StepCacheLookup: the cached disk (the result of the last cached provisioner) the machine starts from. */
  startDisk?: string;
  /** StepCacheLookup: the machine's memory saved with startDisk, when it was; stepRun loads it instead of booting. */
  startMemory?: string;
  /** stepRun: the machine goes on from startMemory (it has not booted: no boot_wait, no boot_command). */
  restored?: boolean;
}

/** Packer's build-time placeholders (`{{ .HTTPIP }}` …) for boot_command and qemuargs, from what the steps learned so far. */
export function placeholders(state: QemuState, vmName: string, outputDir: string): Record<string, string> {
  const p: Record<string, string> = { Name: vmName, OutputDir: outputDir, HTTPIP: '10.0.2.2' };
  if (state.httpPort !== undefined) p.HTTPPort = String(state.httpPort);
  if (state.sshHostPort !== undefined) p.SSHHostPort = String(state.sshHostPort);
  if (state.temporaryKey) p.SSHPublicKey = state.temporaryKey.publicKey;
  return p;
}
