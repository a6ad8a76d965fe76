/**
 * `bakehouse cleanup -subscription` after a real `bakehouse build` process of an azure-arm template is killed with
 * SIGKILL (no cleanup runs) while it provisions: the sweep lists the run's temporary resource group (which holds its VM,
 * disk, NIC, public IP and network), leaves a finished build's managed image alone, and deletes the group — with all in
 * it and the VM's container — only with -force. A run killed while it captures leaves a half-made image, which the sweep
 * removes (its run log shows the run did not finish) before the group.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { cleanupCommand } from '../../../core/cli/commands/cleanup';
import { parseFlags } from '../../../core/cli/flags';
import { startAzureEmulator, type AzureEmulator } from '../../emulators/azure/emulator';
import { clients, emulatorEnv, IMAGES_GROUP, leftovers, LOCATION, linuxTemplate, startBuild, templateFolder } from './harness';

let emu: AzureEmulator;
let keep: string[] = [];

before(async () => {
  emu = await startAzureEmulator();
  keep = [(await clients(emu).resources.resourceGroups.createOrUpdate(IMAGES_GROUP, { location: LOCATION })).id ?? ''];
});
after(async () => emu?.close());

/** `bakehouse cleanup ARGS` with the service principal and the emulator only in its environment, reading the run logs of `dir`. */
async function cleanup(argv: string[], dir: string): Promise<{ code: number; out: string; err: string }> {
  const parsed = parseFlags(argv, cleanupCommand.flags);
  assert.ok(parsed.ok);
  let out = '';
  let err = '';
  const code = await cleanupCommand.run(parsed.value, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    stdin: Readable.from([]),
    stdinIsTTY: false,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...emulatorEnv(emu), AZURE_CLIENT_ID: emu.clientId, AZURE_CLIENT_SECRET: emu.clientSecret, AZURE_TENANT_ID: emu.tenantId, BAKEHOUSE_DATA_DIR: join(dir, 'data') },
    cwd: dir,
    color: false,
  });
  return { code, out, err };
}

test('cleanup -subscription lists a killed run\'s resource group, keeps a finished build\'s image, and deletes the group only with -force', { timeout: 240_000 }, async () => {
  // A finished build: its image is its output.
  const finishedDir = templateFolder(linuxTemplate(emu, { sshPort: await emu.reserveSshPort(), imageName: 'finished' }));
  const finished = startBuild(finishedDir, emu);
  assert.equal(await finished.exited, 0, finished.output());
  const image = `/subscriptions/${emu.subscriptionId}/resourceGroups/${IMAGES_GROUP}/providers/Microsoft.Compute/images/finished`;

  // Both builds share one data folder, as two runs on one machine do.
  const dir = templateFolder(linuxTemplate(emu, { sshPort: await emu.reserveSshPort(), imageName: 'killed', inline: ['echo provisioning started', 'sleep 120'] }));
  const killed = startBuild(dir, emu, [], { BAKEHOUSE_DATA_DIR: join(finishedDir, 'data') });
  await new Promise<void>((resolve) => {
    killed.child.stdout?.on('data', () => {
      if (/provisioning started/.test(killed.output())) resolve();
    });
  });
  killed.child.kill('SIGKILL');
  await killed.exited;
  const runId = / ->> bakehouse:run-id : (\S+)/.exec(killed.output())?.[1] ?? assert.fail(killed.output());
  const group = / -> ResourceGroupName : '([^']+)'/.exec(killed.output())?.[1] ?? assert.fail(killed.output());
  const left = leftovers(emu, [...keep, image]);
  assert.ok(left.some((id) => /virtualMachines\//.test(id)) && left.some((id) => /disks\//.test(id)) && left.some((id) => /networkInterfaces\//.test(id)), left.join('\n'));
  assert.equal(emu.machines().length, 1);

  const listed = await cleanup(['-subscription', emu.subscriptionId], finishedDir);
  assert.equal(listed.code, 0, listed.err);
  assert.equal(listed.out, `Would remove resource group ${group} (run ${runId})\nNothing was removed: run again with -force to remove what is listed.\n`);
  assert.ok(leftovers(emu, [...keep, image]).length > 0, 'nothing removed without -force');

  const removed = await cleanup(['-subscription', emu.subscriptionId, '-force'], finishedDir);
  assert.equal(removed.code, 0, removed.err);
  assert.equal(removed.out, `Removed resource group ${group} (run ${runId})\n`);
  assert.deepEqual(leftovers(emu, keep), [image]);
  assert.deepEqual(emu.machines(), []);

  const again = await cleanup(['-subscription', emu.subscriptionId], finishedDir);
  assert.equal(again.out, `Nothing to clean up in subscription ${emu.subscriptionId}.\n`);
});

test('a run killed while it captures leaves a half-made managed image that the sweep removes with the group', { timeout: 240_000 }, async () => {
  const dir = templateFolder(linuxTemplate(emu, { sshPort: await emu.reserveSshPort(), imageName: 'half-made' }));
  const image = `/subscriptions/${emu.subscriptionId}/resourceGroups/${IMAGES_GROUP}/providers/Microsoft.Compute/images/half-made`;
  // Killed as soon as the image exists: its capture has not finished, and no cleanup runs.
  const run = startBuild(dir, emu);
  const deadline = Date.now() + 120_000;
  while (!emu.resourceIds().includes(image) && Date.now() < deadline && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  run.child.kill('SIGKILL');
  await run.exited;
  assert.ok(emu.resourceIds().includes(image), run.output());
  const runId = / ->> bakehouse:run-id : (\S+)/.exec(run.output())?.[1] ?? assert.fail(run.output());
  const group = / -> ResourceGroupName : '([^']+)'/.exec(run.output())?.[1] ?? assert.fail(run.output());

  const removed = await cleanup(['-subscription', emu.subscriptionId, '-run-id', runId, '-force'], dir);
  assert.equal(removed.code, 0, removed.err);
  assert.equal(removed.out, `Removed Microsoft.Compute/images ${image} (run ${runId})\nRemoved resource group ${group} (run ${runId})\n`);
  assert.ok(!emu.resourceIds().some((id) => id === image || id.toLowerCase().includes(`/resourcegroups/${group.toLowerCase()}`)), emu.resourceIds().join('\n'));
  assert.deepEqual(emu.machines(), []);
});
