/**
 * boot_command over VNC against a real RFB peer: QEMU's VNC server. QEMU runs with no machine and its monitor on the
 * VNC console, so what the vmware builders' StepVNCBootCommand types is read by the monitor; the typed command is
 * `screendump <file>`, and the file QEMU then writes — named with shifted letters, digits, punctuation and a corrected
 * typo — shows exactly what arrived.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSteps } from '../../../core/engine/steps';
import type { BuildState, Ui } from '../../../core/engine/plugin';
import { connectRfb, vncAuthResponse } from '../../../core/builders/vmware/rfb';
import type { VmwareSettings } from '../../../core/builders/vmware/settings';
import { vncBootCommandStep } from '../../../core/builders/vmware/steps';

async function freeVncDisplay(): Promise<number> {
  for (let display = 40; display < 100; display++) {
    const free = await new Promise<boolean>((r) => {
      const s = createServer().once('error', () => r(false));
      s.listen(5900 + display, '127.0.0.1', () => s.close(() => r(true)));
    });
    if (free) return display;
  }
  throw new Error('no free VNC display');
}

async function startQemu(t: { after(fn: () => void): void }): Promise<number> {
  const display = await freeVncDisplay();
  const qemu = spawn('qemu-system-x86_64', ['-machine', 'none', '-nodefaults', '-display', 'none', '-vnc', `127.0.0.1:${display}`, '-monitor', 'vc'], { stdio: 'ignore' });
  t.after(() => qemu.kill('SIGKILL'));
  const port = 5900 + display;
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => {
      const probe = createServer();
      probe.once('error', () => r(true));
      probe.listen(port, '127.0.0.1', () => probe.close(() => r(false)));
    });
    if (up) return port;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('QEMU did not open its VNC port');
}

const settings = (bootCommand: string[]): VmwareSettings => ({
  vmName: 'vm', outputDir: 'out', displayName: '', format: 'vmx', skipExport: true, ovftoolOptions: [], headless: true, hardwareVersion: 21,
  vmxData: {}, vmxDataPost: {}, removeEthernet: false, skipCompaction: true,
  vnc: { enabled: true, address: '127.0.0.1', portMin: 5900, portMax: 6000, disablePassword: true },
  bootWaitMs: 0, bootCommand, keyIntervalMs: 10, keygroupIntervalMs: 10, communicator: 'none', shutdownCommand: '', shutdownTimeoutMs: 1000, network: 'nat',
});

const ui: Ui = { say: () => undefined, message: () => undefined, error: () => undefined, output: () => undefined, log: () => undefined, ask: async () => 'cleanup' };

test('boot_command typed over VNC reaches QEMU exactly: shifted letters, digits, punctuation, <bs>, <wait>, {{ .Name }}', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-vnc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await startQemu(t);
  const step = vncBootCommandStep(settings([`screendump ${dir}/Hello-{{ .Name }}_42x<bs>.ppm`, '<wait1><enter>']), () => ({ host: '127.0.0.1', port, password: '' }));
  const outcome = await runSteps({
    steps: [step],
    state: { generated: {} } as BuildState,
    ui,
    signal: new AbortController().signal,
    abandon: new AbortController().signal,
    onError: 'cleanup',
    events: { stepStarted: () => undefined, stepFinished: () => undefined, resource: () => undefined },
  });
  assert.equal(outcome.result, 'succeeded', outcome.error);
  const want = join(dir, 'Hello-vm_42.ppm');
  for (let i = 0; i < 50 && !existsSync(want); i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(readdirSync(dir), ['Hello-vm_42.ppm']);
});

test('the RFB handshake with QEMU: security None, the desktop name from ServerInit', async (t) => {
  const port = await startQemu(t);
  const session = await connectRfb({ host: '127.0.0.1', port });
  assert.ok(session.ok, session.ok ? '' : session.error);
  assert.equal(session.value.name, 'QEMU');
  session.value.close();
});

test('VNC Authentication: the challenge DES-encrypted with the bit-reversed password (RFC 6143 §7.2.2)', () => {
  // DES's published test vector (key 0123456789ABCDEF, plaintext "Now is t"), the key written with each byte's bits
  // reversed as VNC passwords are: bit reversal of 0x01 0x23 0x45 0x67 0x89 0xAB 0xCD 0xEF.
  const password = Buffer.from([0x80, 0xc4, 0xa2, 0xe6, 0x91, 0xd5, 0xb3, 0xf7]).toString('latin1');
  const response = vncAuthResponse(Buffer.from('Now is tNow is t', 'latin1'), password);
  assert.equal(response.toString('hex'), '3fa40e8a984d48153fa40e8a984d4815');
});

test('a port where no VNC server listens is a clear error', async () => {
  const session = await connectRfb({ host: '127.0.0.1', port: 1 });
  assert.equal(session.ok, false);
  assert.match(session.ok ? '' : session.error, /^Error connecting to VNC: /);
});
