/**
 * The windows-restart provisioner run for real over SSH. A Linux sshd container stands in for Windows with OpenSSH
 * (test/support/windows-standin.ts): its `shutdown` answers as Windows does, and a restart really happens — sshd and every
 * session are killed, connections are refused for a while, then sshd starts again — so the provisioner has to see the
 * drop, reconnect and run its checks on the machine that came back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireDocker } from '../../builders/docker/harness';
import { encodedPowershell, DEFAULT_RESTART_CHECK_COMMAND } from '../../../core/provisioners/windows-restart/provisioner';
import { DEFAULT_REGISTRY_KEYS } from '../../../core/provisioners/windows-restart/config';
import { PACKER_1_14 } from '../../support/reference-packer';
import { startWindowsStandin } from '../../support/windows-standin';
import { runOurs, runPacker, workDir, type Provisioners } from '../powershell/harness';

const skipPacker = !process.env.CI && PACKER_1_14.skip;

/** What the first `PowerShell -EncodedCommand` says, decoded as Windows would read it. */
function decoded(command: string): string {
  const m = /^powershell\.exe -EncodedCommand (\S+)$/.exec(command.trim());
  return m ? Buffer.from(m[1], 'base64').toString('utf16le') : command;
}

test('over SSH: restarts the machine, reconnects after the drop, and checks it (restart_check_command, check_registry) before moving on', { timeout: 120_000 }, async () => {
  requireDocker();
  const machine = await startWindowsStandin();
  try {
    machine.registryPending();
    const provisioners: Provisioners = [
      ['windows-restart', { restart_check_command: 'echo checking-after-restart', check_registry: true, restart_timeout: '1m' }],
      ['powershell', { inline: ['Write-Output "after restart"'] }],
    ];
    const ours = await runOurs(machine, workDir(), provisioners);
    const build = ours.outcome.builds[0];
    assert.equal(build.result, 'succeeded', `${build.error}\n${ours.lines.join('\n')}`);
    assert.equal(machine.restarts(), 1);
    const commands = machine.commands();
    assert.equal(commands[0], 'shutdown /r /f /t 0 /c "packer restart"');
    const restarted = commands.indexOf('-- restart --');
    const checked = commands.indexOf('echo checking-after-restart');
    assert.ok(restarted > 0 && checked > restarted, commands.join('\n'));
    // Packer's probe, refused while the restart is under way, so nothing is aborted.
    assert.deepEqual(machine.shutdownCalls(), ['/r /f /t 0 /c packer restart', '/r /f /t 60 /c packer restart test']);
    assert.deepEqual(commands.slice(1, checked), ['shutdown /r /f /t 60 /c "packer restart test"', '-- restart --']);
    // After the custom check: Packer's "restarted." echo, then the three registry keys — one pending the first time, so twice.
    const after = commands.slice(checked + 1);
    assert.equal(decoded(after[0]), `$ProgressPreference = 'SilentlyContinue';echo ("{0} restarted." -f [System.Net.Dns]::GetHostName())`);
    assert.equal(after[0], DEFAULT_RESTART_CHECK_COMMAND);
    const keyChecks = after.filter((c) => decoded(c).includes('Test-Path'));
    assert.deepEqual(keyChecks, [...DEFAULT_REGISTRY_KEYS, ...DEFAULT_REGISTRY_KEYS].map((k) => encodedPowershell(`Test-Path "${k}"`)));
    assert.equal(after.filter((c) => c === DEFAULT_RESTART_CHECK_COMMAND).length, 2);
    const lines = ours.lines.map((l) => l.replace(/^(==> |    )/, ''));
    const from = lines.indexOf('Restarting Machine');
    assert.deepEqual(lines.slice(from, from + 2), ['Restarting Machine', 'Waiting for machine to restart...']);
    assert.ok(lines.includes('checking-after-restart'), lines.join('\n'));
    assert.ok(lines.some((l) => / restarted\.$/.test(l)), lines.join('\n'));
    const moved = lines.indexOf('Machine successfully restarted, moving on');
    assert.ok(moved > from && lines.indexOf('after restart') > moved, lines.join('\n'));
  } finally {
    machine.stop();
  }
});

test('over SSH: a machine that never comes back fails after restart_timeout with Packer\'s message', { timeout: 120_000 }, async () => {
  requireDocker();
  const machine = await startWindowsStandin();
  try {
    machine.setDowntime(600);
    const started = Date.now();
    const ours = await runOurs(machine, workDir(), [['windows-restart', { restart_timeout: '8s' }]]);
    const took = Date.now() - started;
    assert.equal(ours.outcome.builds[0].error, 'Timeout waiting for machine to restart.', ours.lines.join('\n'));
    assert.equal(machine.restarts(), 1);
    assert.ok(took >= 8_000 && took < 40_000, `took ${took} ms`);
  } finally {
    machine.stop();
  }
  if (!PACKER_1_14.packer) return;
  const other = await startWindowsStandin();
  try {
    other.setDowntime(600);
    const ref = runPacker(other, workDir(), [['windows-restart', { restart_timeout: '8s' }]]);
    assert.ok(ref.all.includes("Build 'null.win' errored after") && ref.all.includes('Timeout waiting for machine to restart.'), ref.all);
  } finally {
    other.stop();
  }
});

test('over SSH: a restart command that fails is reported with its exit status', { timeout: 60_000 }, async () => {
  requireDocker();
  const machine = await startWindowsStandin();
  try {
    const ours = await runOurs(machine, workDir(), [['windows-restart', { restart_command: 'exit 5' }]]);
    assert.equal(ours.outcome.builds[0].error, 'Restart script exited with non-zero exit status: 5');
    assert.equal(machine.restarts(), 0);
  } finally {
    machine.stop();
  }
});

test('over SSH: Packer 1.14 against the same machine sends the same restart, probe and checks', { skip: skipPacker, timeout: 180_000 }, async () => {
  requireDocker();
  const machine = await startWindowsStandin();
  try {
    const provisioners: Provisioners = [['windows-restart', { restart_check_command: 'echo checking-after-restart', restart_timeout: '1m' }]];
    const dir = workDir();
    const ours = await runOurs(machine, dir, provisioners);
    assert.equal(ours.outcome.builds[0].result, 'succeeded', ours.lines.join('\n'));
    // How often the probe and the checks repeat depends on timing; the commands and their order do not.
    const distinct = (list: string[]) => list.map((c) => c.replace(/\n$/, '')).filter((c, i, all) => all.indexOf(c) === i);
    const oursSent = distinct(machine.commands());
    machine.clear();
    const ref = runPacker(machine, dir, provisioners);
    assert.equal(ref.status, 0, ref.all);
    assert.deepEqual(oursSent, distinct(machine.commands()), ref.all);
    // Packer 1.14 prints a command's output with `==> ` as well; the texts are compared.
    const said = (lines: string[]) => {
      const texts = lines.map((l) => l.replace(/^(==> |    )/, ''));
      return texts.slice(texts.indexOf('Restarting Machine'), texts.indexOf('Machine successfully restarted, moving on') + 1);
    };
    assert.deepEqual(said(ours.lines), said(ref.lines), ref.all);
  } finally {
    machine.stop();
  }
});
