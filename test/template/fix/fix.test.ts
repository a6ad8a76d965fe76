import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../core/cli/main';
import { encodeFixedTemplate } from '../../../core/template/fix/encode';
import { FIXERS } from '../../../core/template/fix/fixers';
import { readFixTemplate } from '../../../core/template/fix/value';
import { FIX_RECORDING, FIX_TEMPLATES, fixArgs, fixTemplateNames, runPackerFix, type RecordedFix } from '../../../scripts/record-packer-fix';
import { PACKER_1_14 } from '../../support/reference-packer';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function bakehouse(args: string[], cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdin: new PassThrough(),
    stdinIsTTY: false,
    env: {},
    cwd,
    color: false,
  });
  return { code, stdout, stderr };
}

/** Where Packer 1.14.3 crashes (exit 2) on a template, Bakehouse reports the problem as a fixing error. */
const PACKER_CRASHES: Record<string, RegExp> = {
  'null-builder.json': /^Error fixing: builder 1 has no "type"/,
  'null-template.json': /A legacy template is a JSON object, not null\./,
};

/**
 * Bakehouse prints the fixed template byte for byte as Packer does and exits with Packer's code. Packer prints its
 * errors on standard output, Bakehouse on standard error; "Error fixing" messages are Packer's words exactly, while
 * a syntax error or a fixed template that does not validate is shown as a diagnostic with file, line and column.
 */
function assertAgrees(name: string, packer: RecordedFix, ours: CliRun): void {
  const what = packer.args.join(' ');
  if (packer.exitCode === 2) {
    assert.equal(ours.code, 1, what);
    assert.equal(ours.stdout, '', what);
    assert.match(ours.stderr, PACKER_CRASHES[name] ?? /^$/, `${what}: Packer crashed with ${packer.stderr}`);
    return;
  }
  assert.equal(ours.code, packer.exitCode, `${what}: exit code\n${ours.stderr}`);
  const end = packer.stdout.indexOf('}\n\n');
  const template = packer.stdout.startsWith('{') && end >= 0 ? packer.stdout.slice(0, end + 3) : '';
  assert.equal(ours.stdout, template, `${what}: the fixed template, byte for byte`);
  const packerError = packer.stdout.slice(template.length) + packer.stderr;
  if (packerError.startsWith('Error parsing template:')) {
    assert.match(ours.stderr, new RegExp(`^Error: .*\\n\\n  on ${name.replace('.', '\\.')} line \\d+:`), what);
  } else if (packerError.startsWith('Error! Fixed template')) {
    assert.match(ours.stderr, new RegExp(`  on ${name.replace('.', '\\.')} \\(fixed\\) line \\d+:`), what);
    assert.match(ours.stderr, /The fixed template does not validate\./, what);
  } else {
    assert.equal(ours.stderr, packerError, `${what}: Packer's words`);
  }
}

const recorded = JSON.parse(readFileSync(FIX_RECORDING, 'utf8')) as Record<string, RecordedFix[]>;

test('every fix template has a recording of Packer 1.14 (scripts/record-packer-fix.ts)', () => {
  assert.deepEqual(Object.keys(recorded).sort(), fixTemplateNames());
  for (const [name, runs] of Object.entries(recorded)) assert.deepEqual(runs.map((r) => r.args), fixArgs(name));
});

for (const name of fixTemplateNames()) {
  test(`fix prints what packer fix 1.14 prints: ${name}`, async () => {
    for (const packer of recorded[name] ?? []) assertAgrees(name, packer, await bakehouse(packer.args, FIX_TEMPLATES));
  });
}

test('live: packer fix 1.14 still prints what was recorded, and Bakehouse agrees', { skip: PACKER_1_14.skip }, async () => {
  for (const name of fixTemplateNames()) {
    const live = runPackerFix(PACKER_1_14.packer!, name);
    assert.deepEqual(live, recorded[name], `${name}: run scripts/record-packer-fix.ts again`);
    for (const packer of live) assertAgrees(name, packer, await bakehouse(packer.args, FIX_TEMPLATES));
  }
});

test("the fixers are Packer 1.14.3's, in its order", () => {
  assert.deepEqual(
    FIXERS.map((f) => f.name),
    [
      'iso-md5', 'createtime', 'virtualbox-gaattach', 'pp-vagrant-override', 'virtualbox-rename', 'vmware-rename', 'parallels-headless',
      'parallels-deprecations', 'sshkeypath', 'sshdisableagent', 'scaleway-access-key', 'manifest-filename', 'amazon-shutdown_behavior',
      'amazon-enhanced-networking', 'amazon-private-ip', 'amazon-temp-sec-cidrs', 'docker-email', 'docker-tag-tags', 'powershell-escapes',
      'vmware-compaction', 'hyperv-deprecations', 'hyperv-vmxc-typo', 'hyperv-cpu-and-ram', 'clean-image-name', 'spot-price-auto-product',
      'qemu-disk-size', 'galaxy-command', 'comm-config', 'ssh-wait-timeout', 'vsphere-iso-net-disk', 'iso-checksum-type-and-url',
      'qemu-host-port', 'azure-exclude_from_latest', 'proxmox-type',
    ],
  );
});

test('every fixer changes the output of at least one recorded template', () => {
  const run = (text: string, skip?: string): string | undefined => {
    const read = readFixTemplate(text, 't.json');
    if (!read.ok) return undefined;
    for (const f of FIXERS) if (f.name !== skip && !f.fix(read.value).ok) return undefined;
    return encodeFixedTemplate(read.value);
  };
  const exercised = new Set<string>();
  for (const name of fixTemplateNames()) {
    const text = readFileSync(join(FIX_TEMPLATES, name), 'utf8');
    const all = run(text);
    if (all === undefined) continue;
    for (const f of FIXERS) if (run(text, f.name) !== all) exercised.add(f.name);
  }
  assert.deepEqual(FIXERS.map((f) => f.name).filter((n) => !exercised.has(n)), []);
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-fix-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('fix writes nothing to disk: the input file stays as it was', async () => {
  const input = '{"builders":[{"type":"qemu","iso_url":"x","iso_checksum":"abc","iso_checksum_type":"sha256"}]}';
  const dir = workspace({ 't.json': input });
  const r = await bakehouse(['fix', 't.json'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /"iso_checksum": "sha256:abc"/);
  assert.doesNotMatch(r.stdout, /iso_checksum_type/);
  assert.equal(readFileSync(join(dir, 't.json'), 'utf8'), input);
  assert.deepEqual(readdirSync(dir), ['t.json']);
});

test('fix refuses HCL2 templates, missing files and a wrong number of arguments', async () => {
  const dir = workspace({ 'a.pkr.hcl': 'source "null" "x" {}\n', 'b.pkr.json': '{}' });
  for (const target of ['a.pkr.hcl', 'b.pkr.json', '.']) {
    const r = await bakehouse(['fix', target], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /fix only rewrites legacy JSON templates/);
  }
  const missing = await bakehouse(['fix', 'nope.json'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.json: no such file or directory/);
  const none = await bakehouse(['fix'], dir);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /expected one JSON template, got 0/);
});

test('fix --help lists every fixer in order, and the -validate flag', async () => {
  const r = await bakehouse(['fix', '--help'], tmpdir());
  assert.equal(r.code, 0);
  const listed = FIXERS.map((f) => r.stdout.indexOf(`  ${f.name} `));
  assert.ok(listed.every((at, i) => at > 0 && (i === 0 || at > listed[i - 1])), r.stdout);
  assert.match(r.stdout, /-validate/);
});
