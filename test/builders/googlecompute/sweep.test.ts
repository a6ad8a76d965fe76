/**
 * `bakehouse cleanup -project P -zone Z` after a real `bakehouse build` of a googlecompute template is killed with
 * SIGKILL (no cleanup runs) while it provisions: the sweep finds the run's instance and disk by their run-id label,
 * lists them without -force, and removes them (instance first) with it; a finished build's image is left alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGceEmulator, type GceEmulator } from '../../emulators/gce/emulator';
import { TSX_LOADER } from '../../support/tsx';
import { build, ZONE } from './harness';

let emu: GceEmulator;

before(async () => {
  emu = await startGceEmulator();
});
after(async () => emu?.close());

function cleanup(args: string[], dir: string): Promise<{ code: number | null; out: string }> {
  const keyPath = join(dir, 'adc.json');
  writeFileSync(keyPath, emu.keyFile, { mode: 0o600 });
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(__dirname, 'cleanup-runner.ts'), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_EXTRA_CA_CERTS: emu.caPath, GOOGLE_APPLICATION_CREDENTIALS: keyPath, GOOGLE_COMPUTE_ENDPOINT: emu.computeUrl, BAKEHOUSE_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

test('cleanup -project -zone lists a killed run\'s instance and disk, keeps a finished build\'s image, and removes them with -force', { timeout: 240_000 }, async () => {
  const finished = build(emu, { sshPort: await emu.reserveSshPort(), imageName: 'finished' });
  assert.equal(await finished.exited, 0, finished.output());

  const killed = build(emu, { sshPort: await emu.reserveSshPort(), imageName: 'killed', inline: ['echo provisioning started', 'sleep 120'] });
  await new Promise<void>((resolve) => {
    killed.child.stdout?.on('data', () => {
      if (/provisioning started/.test(killed.output())) resolve();
    });
  });
  killed.child.kill('SIGKILL');
  await killed.exited;
  const left = emu.resources().sort();
  assert.equal(left.length, 3, left.join('\n'));
  const instance = left.find((r) => r.startsWith('instance '))?.split('/')[1] ?? '';

  // Both runs' logs are in their own data folders; the killed one's says it never finished and its process is gone.
  const listed = await cleanup(['-project', emu.project, '-zone', ZONE], killed.dir);
  assert.equal(listed.code, 0, listed.out);
  assert.match(listed.out, new RegExp(`Would remove instance ${instance} \\(run [0-9a-f-]+\\)`));
  assert.match(listed.out, new RegExp(`Would remove disk ${instance} \\(run [0-9a-f-]+\\)`));
  assert.doesNotMatch(listed.out, /image finished/);
  assert.match(listed.out, /Nothing was removed: run again with -force/);
  assert.equal(emu.resources().length, 3);

  const removed = await cleanup(['-project', emu.project, '-zone', ZONE, '-force'], killed.dir);
  assert.equal(removed.code, 0, removed.out);
  assert.match(removed.out, new RegExp(`Removed instance ${instance}[^\\n]*\\nRemoved disk ${instance}`));
  assert.deepEqual(emu.resources(), ['image finished'], removed.out);
  assert.equal(emu.machines().length, 0);
});
