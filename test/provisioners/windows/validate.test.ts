/**
 * powershell, windows-shell and windows-restart are checked by Bakehouse as Packer 1.14's Prepare checks them (all three
 * run natively over SSH; powershell with elevated_user runs through Packer, which validate warns about). Each case is
 * validated by both, and the verdict and Packer's message must agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../core/cli/main';
import { PACKER_1_14, runReferencePacker } from '../../support/reference-packer';

const skip = !process.env.CI && PACKER_1_14.skip;

const CASES: Array<{ name: string; type: string; body: string; error?: string }> = [
  { name: 'windows-shell inline', type: 'windows-shell', body: 'inline = ["echo hi"]\nenvironment_vars = ["A=1"]\nenv = { B = "2" }\nstart_retry_timeout = "10m"' },
  { name: 'windows-shell needs a script', type: 'windows-shell', body: 'remote_path = "c:/x.bat"', error: 'Either a script file or inline script must be specified.' },
  { name: 'windows-shell inline and script', type: 'windows-shell', body: 'inline = ["a"]\nscript = "missing.bat"', error: 'Only a script file or an inline script can be specified, not both.' },
  { name: 'windows-shell bad environment_vars', type: 'windows-shell', body: 'inline = ["a"]\nenvironment_vars = ["=x"]', error: "Environment variable not in format 'key=value': =x" },
  { name: 'powershell everything', type: 'powershell', body: 'inline = ["Write-Host hi"]\nexecution_policy = "remotesigned"\ndebug_mode = 1\nuse_pwsh = true\nelevated_user = "Administrator"\nelevated_password = "pw"\npause_after = "5s"\nskip_clean = true' },
  { name: 'powershell bad execution_policy', type: 'powershell', body: 'inline = ["a"]\nexecution_policy = "bogus"', error: "error decoding 'execution_policy': bogus does not belong to ExecutionPolicy" },
  { name: 'powershell debug_mode 3', type: 'powershell', body: 'inline = ["a"]\ndebug_mode = 3', error: 'is an invalid Trace level for `debug_mode`; valid values are 0, 1, and 2' },
  { name: 'powershell password without user', type: 'powershell', body: 'inline = ["a"]\nelevated_password = "pw"', error: "Must supply an 'elevated_user' if 'elevated_password' provided" },
  { name: 'windows-restart settings', type: 'windows-restart', body: 'restart_command = "shutdown /r"\nrestart_check_command = "echo back"\nrestart_timeout = "15m"\ncheck_registry = true\nregistry_keys = ["HKLM:SOFTWARE\\\\x"]' },
  { name: 'windows-restart unknown field', type: 'windows-restart', body: 'bogus = 1', error: 'An argument named "bogus" is not expected here.' },
];

function templateFor(type: string, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-windows-prov-'));
  const indented = body.split('\n').map((l) => `    ${l}`).join('\n');
  writeFileSync(join(dir, 't.pkr.hcl'), `source "null" "n" {\n  communicator = "none"\n}\n\nbuild {\n  sources = ["source.null.n"]\n  provisioner "${type}" {\n${indented}\n  }\n}\n`);
  return dir;
}

for (const c of CASES) {
  test(`${c.name}: ${c.error ? 'refused' : 'accepted'} by Bakehouse as by Packer 1.14`, { skip }, async () => {
    const dir = templateFor(c.type, c.body);
    const packer = PACKER_1_14.packer;
    assert.ok(packer);
    const ref = runReferencePacker(packer, ['validate', 't.pkr.hcl'], { cwd: dir });
    const refOut = (ref.stdout + ref.stderr).replace(/\s+/g, ' ');
    let out = '';
    const code = await runCli(['validate', join(dir, 't.pkr.hcl')], {
      stdout: (t) => void (out += t),
      stderr: (t) => void (out += t),
      stdin: new PassThrough(),
      stdinIsTTY: false,
      env: { PATH: process.env.PATH ?? '', BAKEHOUSE_PACKER: packer.bin, PACKER_PLUGIN_PATH: packer.pluginPath, PACKER_CONFIG_DIR: dir, HOME: dir },
      cwd: dir,
      color: false,
    });
    const ours = out.replace(/\s+/g, ' ');
    if (c.error) {
      assert.notEqual(ref.status, 0, `Packer refuses it: ${refOut}`);
      assert.ok(refOut.includes(c.error), `Packer says: ${refOut}`);
      assert.equal(code, 1, ours);
      assert.ok(ours.includes(c.error), `Bakehouse says: ${ours}`);
    } else {
      assert.equal(ref.status, 0, `Packer accepts it: ${refOut}`);
      assert.equal(code, 0, ours);
      // All three run natively; only powershell's elevated_user is left to Packer, which validate says.
      assert.doesNotMatch(ours, /Provisioner type "[\w-]+" runs through Packer/);
      if (c.body.includes('elevated_user')) assert.match(ours, /With elevated_user, this provisioner runs through Packer/);
      else assert.doesNotMatch(ours, /runs through Packer/);
    }
  });
}
