/**
 * What the VirtualBox builders' steps share, declared once (the pattern is in core/engine/steps.ts). Each field is filled
 * by one step and read by later ones; nothing else passes between steps. The machine's name is settled before the build
 * starts, so it is in the settings, not here.
 */
import type { DownloadState } from '../qemu/download';
import type { HttpServerState } from '../qemu/http-server';

export interface VirtualBoxState extends DownloadState, HttpServerState {
  /** StepPortForwarding: the host port the communicator connects to (the guest's own port when NAT mapping is skipped). */
  commHostPort?: number;
  /** StepAttachISOs: the commands that detach the ISOs it attached; StepRemoveDevices runs them before the export. */
  detach?: string[][];
  /** StepConfigureVRDP: where the machine's screen can be viewed. */
  vrdp?: { address: string; port: number };
}

/** `{{ .HTTPIP }}`: the host as the guest sees it on VirtualBox's NAT network, once the HTTP server step has run. */
export function httpIp(state: VirtualBoxState): string {
  return state.httpPort === undefined ? '' : '10.0.2.2';
}
