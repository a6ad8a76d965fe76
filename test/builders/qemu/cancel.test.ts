import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TSX_LOADER } from '../../support/tsx';
import { guestBuilder, listeningPorts, qemuProcesses, requireGuest, runBuild, workDir } from './harness';

const RUNNER = join(__dirname, '..', '..', 'cli', 'commands', 'build-runner.ts');

/** Asserts that nothing of the run is left: no QEMU, no forwarded port, no QMP folder, no output folder. */
function assertNothingLeft(dir: string, log: string[]): void {
  const qemuCommand = log.find((l) => l.includes('Qemu command: ')) ?? '';
  assert.notEqual(qemuCommand, '', 'QEMU was started');
  assert.deepEqual(qemuProcesses(dir), [], 'no QEMU process is left');
  const port = Number(/hostfwd=tcp:127\.0\.0\.1:(\d+)-:22/.exec(qemuCommand)?.[1]);
  assert.ok(port > 0);
  assert.equal(listeningPorts().has(port), false, `port ${port} is closed`);
  const temp = /-qmp unix:(\S+)\/qmp\.sock/.exec(qemuCommand)?.[1] ?? '';
  assert.ok(temp.includes('bakehouse-qemu-'));
  assert.equal(existsSync(temp), false, 'the QMP socket folder is removed');
  assert.equal(existsSync(join(dir, 'output-test')), false, 'the half-built output is removed');
}

test('cancelling during boot_wait stops QEMU and removes everything', { timeout: 5 * 60_000 }, async () => {
  requireGuest();
  const dir = workDir();
  const ran = await runBuild({ builder: guestBuilder({ boot_wait: '10m', shutdown_command: 'poweroff' }) }, dir, {}, (e, run) => {
    if (e.kind === 'message' && e.text === 'Waiting 600s for boot...') setTimeout(() => run.cancel(), 1500);
  });
  assert.equal(ran.summary.builds[0].result, 'cancelled');
  assert.ok(ran.log.includes('Stopping the virtual machine...'));
  assertNothingLeft(dir, ran.log);
});

test('SIGINT to a real bakehouse process while it waits for SSH stops QEMU and removes everything', { timeout: 5 * 60_000 }, async () => {
  requireGuest();
  const dir = workDir();
  const b = guestBuilder({ type: 'qemu', shutdown_command: 'poweroff' });
  writeFileSync(join(dir, 't.json'), JSON.stringify({ builders: [{ ...b, name: 'test' }] }, null, 2));
  const child = spawn(process.execPath, ['--import', TSX_LOADER, RUNNER, 't.json'], {
    cwd: dir,
    env: { ...process.env, BAKEHOUSE_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (!sent && out.includes('Waiting for SSH to become available...')) {
      sent = true;
      setTimeout(() => child.kill('SIGINT'), 2000);
    }
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 1, out);
  assert.match(out, /Build 'test' errored after [^:]+: Build was cancelled\./);
  assertNothingLeft(dir, out.split('\n'));
});

test('a machine that dies while Bakehouse waits for SSH fails the build at once instead of waiting out ssh_timeout', { timeout: 5 * 60_000 }, async () => {
  requireGuest();
  const dir = workDir();
  // No initrd and no root device: the kernel panics within seconds, and -no-reboot turns the panic's reboot into an exit.
  const b = guestBuilder({ shutdown_command: 'poweroff' });
  b.qemuargs = [['-kernel', join('/var/cache/bakehouse/qemu-guest', 'vmlinuz')], ['-append', 'root=/dev/nowhere panic=1 console=ttyS0'], ['-no-reboot']];
  const started = Date.now();
  const r = await runBuild({ builder: b }, dir);
  const build = r.summary.builds[0];
  assert.equal(build.result, 'failed');
  assert.match(build.error ?? '', /^QEMU exited while waiting for SSH/);
  assert.ok(Date.now() - started < 4 * 60_000);
  assert.match(build.error ?? '', /\nThe machine's serial console ended with:\n[\s\S]*Kernel panic/, 'the serial console\'s last lines show why');
  assertNothingLeft(dir, r.log);
});

test('SIGINT to a real bakehouse process during provisioning stops the command and QEMU and removes everything', { timeout: 8 * 60_000 }, async () => {
  requireGuest();
  const dir = workDir();
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const b = guestBuilder({ type: 'qemu', shutdown_command: 'poweroff' });
  const provisioners = [{ type: 'shell', inline: ['echo provisioning-started', 'sleep 600'] }];
  writeFileSync(join(dir, 't.json'), JSON.stringify({ builders: [{ ...b, name: 'test' }], provisioners }, null, 2));
  const child = spawn(process.execPath, ['--import', TSX_LOADER, RUNNER, 't.json'], {
    cwd: dir,
    // A TMPDIR of its own, so the check below sees only this run's temporary files (the shell provisioner's script folder).
    env: { ...process.env, BAKEHOUSE_DATA_DIR: join(dir, 'data'), TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (!sent && out.includes('provisioning-started')) {
      sent = true;
      setTimeout(() => child.kill('SIGINT'), 1000);
    }
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.ok(sent, `the provisioner started\n${out}`);
  assert.equal(code, 1, out);
  assert.match(out, /Build 'test' errored after [^:]+: Build was cancelled\./);
  assertNothingLeft(dir, out.split('\n'));
  // tsx-0 is the test runner's compile cache (the CLI runs through tsx here), not the build's.
  assert.deepEqual(readdirSync(tmp).filter((n) => !n.startsWith('tsx-')), [], 'no temporary file of the run is left');
});
