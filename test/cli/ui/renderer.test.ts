import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PackerRenderer } from '../../../core/cli/ui/renderer';
import type { EngineEvent } from '../../../core/engine/events';

function render(events: EngineEvent[], verbose: boolean): string {
  let out = '';
  const r = new PackerRenderer({ write: (t) => void (out += t), color: false, machineReadable: false, timestamps: false, verbose });
  for (const e of events) r.handle(e);
  return out;
}

const events: EngineEvent[] = [
  { kind: 'message', level: 'say', text: 'Starting VM...', time: 0, build: 'qemu' },
  { kind: 'message', level: 'log', text: 'serial: [    0.000000] Linux version 6.1', time: 1, build: 'qemu' },
  { kind: 'message', level: 'message', text: 'Waiting for SSH to become available...', time: 2, build: 'qemu' },
];

test('detail kept for the run log (a serial console) is shown only with PACKER_LOG, as Packer keeps it for its debug log', () => {
  assert.equal(render(events, false), '==> qemu: Starting VM...\n    qemu: Waiting for SSH to become available...\n');
  assert.equal(
    render(events, true),
    '==> qemu: Starting VM...\n    qemu: serial: [    0.000000] Linux version 6.1\n    qemu: Waiting for SSH to become available...\n',
  );
});
