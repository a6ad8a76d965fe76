/**
 * The powershell provisioner run for real over SSH, as Packer 1.14 runs it against Windows OpenSSH. No Windows machine
 * runs here: a Linux sshd container stands in (test/support/windows-standin.ts), recording every command exactly as sent
 * and every .ps1 its `powershell` stand-in was given. What the provisioner does — the wrapped inline script, the variables
 * file, the uploads, execute_command, exit codes, the cleanup script — is asserted, and compared byte for byte with what
 * Packer 1.14 sends to the same machine for the same template.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import type { PlannedBuild } from '../../../core/template/model';
import { config, provisioner } from '../../engine/helpers';
import { requireDocker } from '../../builders/docker/harness';
import { PACKER_1_14 } from '../../support/reference-packer';
import { startWindowsStandin, type WindowsStandin } from '../../support/windows-standin';
import { normalize, runOurs, runPacker, workDir, type OurRun, type Provisioners } from './harness';

const skipPacker = !process.env.CI && PACKER_1_14.skip;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Inline commands with escaped variables; a script into a remote folder with debug_mode; pwsh with skip_clean. */
function scenario(dir: string): Provisioners {
  writeFileSync(join(dir, 'three.ps1'), 'Write-Output "from script"\nexit 3\n');
  return [
    ['powershell', { inline: ['Write-Output "hello"', 'Write-Output "second"'], environment_vars: ['GREETING=it\'s $5 "q" `b`'], env: { FROM_MAP: 'm' } }],
    ['powershell', { script: 'three.ps1', valid_exit_codes: [0, 3], debug_mode: 1, execution_policy: 'remotesigned', remote_path: 'c:/Windows/Temp/' }],
    ['powershell', { inline: ['Write-Output "kept"'], use_pwsh: true, debug_mode: 2, skip_clean: true, remote_path: 'c:/Windows/Temp/kept.ps1', remote_env_var_path: 'c:/Windows/Temp/kept-env.ps1' }],
  ];
}

/** From the first provisioner's line to the end of the build, without Packer's or our framing of each line. */
function provisionerLines(lines: string[]): string[] {
  const texts = lines.map((l) => l.replace(/^(==> |    )/, ''));
  return texts.slice(texts.indexOf('Provisioning with Powershell...')).map(normalize);
}

/**
 * The commands as sent. Packer's SSH communicator ends each with a newline (the shell reads it as the end of the line
 * either way), Bakehouse's does not: that is the communicator's, not the provisioner's, so it is left out.
 */
function sent(machine: WindowsStandin): string[] {
  return machine.commands().map((c) => normalize(c.replace(/\n$/, '')));
}

function files(machine: WindowsStandin): Array<[string, string]> {
  return [...machine.ranFiles()].map(([name, text]): [string, string] => [normalize(name), normalize(text)]).sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));
}

const WRAPPED_HELLO =
  "\n\tif (Test-Path variable:global:ProgressPreference) {\n\t  set-variable -name variable:global:ProgressPreference -value 'SilentlyContinue'\n\t}\n\t\n\t$exitCode = 0\n\ttry {\n\t" +
  '$env:FROM_MAP="m"; $env:GREETING="it`\'s `$5 `"q`" ``b``"; $env:PACKER_BUILDER_TYPE="null"; $env:PACKER_BUILD_NAME="win"; \n\tWrite-Output "hello"\n\tWrite-Output "second"\n\t\n' +
  '\t$exitCode = 0\n\t} catch {\n\tWrite-Error "An error occurred: $_"\n\t$exitCode = 1\n\t}\n\t\n\tif ($LASTEXITCODE -ne $null -and $LASTEXITCODE -ne 0) {\n\t\t$exitCode = $LASTEXITCODE\n\t}\n\texit $exitCode\n\n';

const PROGRESS_OFF = "if (Test-Path variable:global:ProgressPreference){set-variable -name variable:global:ProgressPreference -value 'SilentlyContinue'};";

test('over SSH: inline, script and pwsh runs send Packer 1.14\'s commands, .ps1 files and cleanup', { timeout: 120_000 }, async () => {
  requireDocker();
  const machine = await startWindowsStandin();
  try {
    const dir = workDir();
    const ours: OurRun = await runOurs(machine, dir, scenario(dir));
    const build = ours.outcome.builds[0];
    assert.equal(build.result, 'succeeded', `${build.error}\n${ours.lines.join('\n')}`);
    assert.deepEqual(sent(machine), [
      'powershell -executionpolicy bypass -file c:/Windows/Temp/script-<uuid>.ps1',
      'powershell -executionpolicy bypass -file c:/Windows/Temp/packer-cleanup-<uuid>.ps1',
      `powershell -executionpolicy remotesigned "& { ${PROGRESS_OFF}Set-PsDebug -Trace 1;. c:/Windows/Temp/packer-ps-env-vars-<uuid>.ps1; &'c:/Windows/Temp/three.ps1'; exit $LastExitCode }"`,
      `powershell -executionpolicy remotesigned "& { ${PROGRESS_OFF}Set-PsDebug -Trace 1;. c:/Windows/Temp/packer-ps-env-vars-<uuid>.ps1; &'c:/Windows/Temp/packer-cleanup-<uuid>.ps1'; exit $LastExitCode }"`,
      'pwsh -executionpolicy bypass -file c:/Windows/Temp/kept.ps1',
    ]);
    const ran = new Map(files(machine));
    assert.equal(ran.get('script-<uuid>.ps1'), WRAPPED_HELLO);
    assert.equal(ran.get('three.ps1'), 'Write-Output "from script"\nexit 3\n');
    assert.equal(ran.get('packer-ps-env-vars-<uuid>.ps1'), '$env:PACKER_BUILDER_TYPE="null"; $env:PACKER_BUILD_NAME="win"; ');
    assert.match(ran.get('kept.ps1') ?? '', /\t}\n\t\n\tSet-PsDebug -Trace 2\n\t\$exitCode = 0\n/);
    // The cleanup scripts removed every upload but the skip_clean provisioner's.
    assert.deepEqual(machine.leftInTemp(), ['kept-env.ps1', 'kept.ps1']);
    assert.deepEqual(provisionerLines(ours.lines), [
      'Provisioning with Powershell...',
      'Provisioning with powershell script: <inline commands>',
      'hello',
      'second',
      'Provisioning with Powershell...',
      'Provisioning with powershell script: three.ps1',
      'from script',
      'Provisioning with Powershell...',
      'Provisioning with powershell script: <inline commands>',
      'kept',
    ]);
    assert.ok(!sent(machine).some((c) => UUID.test(c)), 'names were normalized');
  } finally {
    machine.stop();
  }
});

test('over SSH: the same template through Packer 1.14 sends the same commands and files and prints the same lines', { skip: skipPacker, timeout: 180_000 }, async () => {
  requireDocker();
  const machine = await startWindowsStandin();
  try {
    const dir = workDir();
    const provisioners = scenario(dir);
    const ours = await runOurs(machine, dir, provisioners);
    assert.equal(ours.outcome.builds[0].result, 'succeeded', ours.lines.join('\n'));
    const oursSent = { commands: sent(machine), argv: machine.powershellCalls().map((a) => a.map(normalize)), files: files(machine), left: machine.leftInTemp() };
    machine.clear();
    machine.exec('rm -f "c:/Windows/Temp/"*');
    const ref = runPacker(machine, dir, provisioners);
    assert.equal(ref.status, 0, ref.all);
    assert.deepEqual(oursSent, { commands: sent(machine), argv: machine.powershellCalls().map((a) => a.map(normalize)), files: files(machine), left: machine.leftInTemp() }, ref.all);
    assert.deepEqual(provisionerLines(ours.lines), provisionerLines(ref.lines), ref.all);
  } finally {
    machine.stop();
  }
});

test('over SSH: an exit status outside valid_exit_codes fails the build in Packer\'s words, after the script\'s output', { timeout: 120_000 }, async () => {
  requireDocker();
  const machine = await startWindowsStandin();
  try {
    const dir = workDir();
    const provisioners: Provisioners = [['powershell', { inline: ['Write-Output "failing"', 'exit 4'] }]];
    const ours = await runOurs(machine, dir, provisioners);
    const expected = 'Script exited with non-zero exit status: 4. Allowed exit codes are: [0]';
    assert.equal(ours.outcome.builds[0].error, expected);
    assert.ok(ours.lines.includes('    failing'), ours.lines.join('\n'));
    // A failed script stops the provisioner before its cleanup, as in Packer: the upload stays.
    assert.equal(machine.commands().length, 1, machine.commands().join('\n'));
    if (PACKER_1_14.packer) {
      machine.clear();
      const ref = runPacker(machine, dir, provisioners);
      assert.ok(ref.all.includes(`Build 'null.win' errored after`) && ref.all.includes(expected), ref.all);
      assert.equal(machine.commands().length, 1, ref.all);
    }
  } finally {
    machine.stop();
  }
});

const winBuild = (builder: Record<string, string>, prov: Record<string, string | string[]>): PlannedBuild => ({
  name: 'null.win',
  type: 'null',
  sourceName: 'win',
  builder: config(builder),
  provisioners: [provisioner('powershell', prov)],
  postProcessors: [],
  range: { filename: 't.pkr.hcl', start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } },
});

test('elevated_user and the WinRM communicator are left to the user\'s Packer; without it, elevated_user is refused clearly', () => {
  const registry = builtinPlugins();
  const ssh = { communicator: 'ssh', ssh_host: 'h', ssh_username: 'u' };
  assert.equal(registry.buildsAll(winBuild(ssh, { inline: ['x'] })), true);
  assert.equal(registry.buildsAll(winBuild(ssh, { inline: ['x'], elevated_user: 'Administrator', elevated_password: 'pw' })), false);
  assert.equal(registry.buildsAll(winBuild({ communicator: 'winrm', winrm_host: 'h', winrm_username: 'u' }, { inline: ['x'] })), false);
  const plugin = registry.provisioner('powershell');
  assert.ok(plugin);
  const info = { name: 'win', displayName: 'null.win', hcl2: true, builderType: 'null', runId: 'r', env: {}, cwd: '/', force: false };
  const refused = plugin.prepare(config({ inline: ['x'], elevated_user: 'Administrator' }), info);
  assert.deepEqual(refused, {
    ok: false,
    error: ['elevated_user runs the scripts as a Windows scheduled task, which Bakehouse does not do itself yet: install Packer (1.7 or newer) so the build runs through it, or remove elevated_user'],
  });
});
