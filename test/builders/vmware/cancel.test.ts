/**
 * SIGINT to a real `bakehouse build` of a vmware-iso template at each of its steps (and of a vmware-vmx template at the
 * steps of its own and the machine's life), against the fake vmrun whose guest is an sshd container: the build says
 * it was cancelled and leaves no machine folder, no running machine (no container) and no partial output.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fakeVmrun, startBuild, type FakeVmrun } from '../../support/fake-vmrun';
import { isoTemplate, vmxTemplate, writeIso, writeSourceVm, type Options } from './templates';

let fake: FakeVmrun | undefined;
afterEach(() => fake?.remove());

interface Point {
  step: string;
  /** The message that says the step has begun. */
  when: RegExp;
  /** What the step needs to still be running when the signal comes. */
  options?: Options;
  powerOnSeconds?: number;
  /** The vmrun commands the build ran, runs of one folded, when they are certain. */
  commands?: string[];
}

/** A provisioner and a shutdown that take long enough to be interrupted. */
const SLOW_PROVISION: Options = { inline: ['echo provisioning started', 'sleep 60'] };
const SLOW_SHUTDOWN: Options = { shutdownCommand: 'sleep 60' };
// The guest goes down only later: the build is polling `vmrun list` when the signal comes.
const LATE_POWEROFF: Options = { shutdownCommand: "sudo sh -c '(sleep 60; kill 1) >/dev/null 2>&1 &'" };

const MACHINE: Point[] = [
  { step: 'StepConfigureVNC', when: /Configuring VNC\.\.\./ },
  // The signal comes while vmrun is powering the machine on: the start is let finish, then the cleanup stops it.
  { step: 'StepRun', when: /Starting virtual machine\.\.\./, powerOnSeconds: 2, commands: ['start', 'list', 'stop'] },
  { step: 'StepVNCBootCommand', when: /Waiting .+ for boot\.\.\./, options: { bootWait: '60s' } },
  { step: 'StepConnect', when: /Waiting for SSH to become available\.\.\./ },
  { step: 'StepProvision', when: /provisioning started/, options: SLOW_PROVISION },
  { step: 'StepShutdown (shutdown_command running)', when: /Gracefully halting virtual machine\.\.\./, options: SLOW_SHUTDOWN },
  { step: 'StepShutdown (waiting for poweroff)', when: /Waiting for virtual machine to shut down\.\.\./, options: LATE_POWEROFF },
  { step: 'StepCleanFiles', when: /Deleting unnecessary files\.\.\./ },
  { step: 'StepCleanVMX', when: /Cleaning VMX prior to finishing up\.\.\./ },
  { step: 'StepExport', when: /Exporting virtual machine\.\.\./ },
];

const ISO_POINTS: Point[] = [
  { step: 'StepDownload', when: /Retrieving ISO/ },
  { step: 'StepOutputDir', when: /Configuring output and export directories\.\.\./ },
  { step: 'StepCreateDisks', when: /Creating virtual disks\.\.\./ },
  { step: 'StepCreateVMX', when: /Generating the \.vmx file\.\.\./ },
  ...MACHINE,
];

const VMX_POINTS: Point[] = [{ step: 'StepCloneVMX', when: /Cloning source VM/ }, ...MACHINE.filter((p) => /StepRun|StepConnect|StepProvision|StepShutdown/.test(p.step))];

async function cancelAt(point: Point, builder: 'vmware-iso' | 'vmware-vmx'): Promise<void> {
  const f = (fake = fakeVmrun([], { powerOnSeconds: point.powerOnSeconds }));
  const template = builder === 'vmware-iso' ? isoTemplate(writeIso(f.dir), point.options) : vmxTemplate(writeSourceVm(f.dir), point.options);
  const run = startBuild(f, template);
  let sent = false;
  run.child.stdout?.on('data', () => {
    if (!sent && point.when.test(run.output())) {
      sent = true;
      run.child.kill('SIGINT');
    }
  });
  const code = await run.exited;
  const out = run.output();
  assert.ok(sent, out);
  assert.equal(code, 1, out);
  assert.match(out, new RegExp(`Build '${builder}\\.debian' errored after .*: Build was cancelled\\.`), out);
  assert.equal(existsSync(join(f.dir, 'output-debian')), false, `no output folder\n${out}`);
  assert.deepEqual(f.machines(), [], `no machine left\n${out}`);
  const commands = f.calls().map((c) => c[2]!).filter((c, i, all) => i === 0 || c !== all[i - 1]);
  if (point.commands) assert.deepEqual(commands, point.commands, out);
  assert.ok(commands.filter((c) => c === 'start').length <= 1, out);
}

for (const point of ISO_POINTS) {
  test(`vmware-iso: SIGINT during ${point.step} leaves no machine, container or output folder`, { timeout: 90_000 }, () => cancelAt(point, 'vmware-iso'));
}
for (const point of VMX_POINTS) {
  test(`vmware-vmx: SIGINT during ${point.step} leaves no machine, container or output folder`, { timeout: 90_000 }, () => cancelAt(point, 'vmware-vmx'));
}
