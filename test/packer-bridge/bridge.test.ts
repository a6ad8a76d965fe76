/**
 * Builds that use a type Bakehouse does not build run through the user's Packer: here the reference Packer 1.14 with its
 * docker plugin, running a build with a `windows-shell` provisioner (its commands run by sh) and Packer's own `hcp-sbom` (which
 * Bakehouse does not have; without HCP it only fetches and checks the SBOM the script wrote) in a real container, beside a
 * build Bakehouse runs natively; the whole bridged build, windows-shell included, is Packer's.
 * Validation, events, secrets, failures and cancellation are checked as a user sees them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { EventEmitter } from 'node:events';
import { spawnSync } from 'node:child_process';
import type { CliIO } from '../../core/cli/command';
import { runCli } from '../../core/cli/main';
import { buildCommand, runBuildCommand } from '../../core/cli/commands/build';
import { parseFlags } from '../../core/cli/flags';
import { useExternalComponents } from '../../core/components/external';
import { parseMachineLine, splitUiText } from '../../core/packer-bridge/machine-readable';
import { PACKER_1_14 } from '../support/reference-packer';

const skip = !process.env.CI && PACKER_1_14.skip;
const IMAGE = 'local/debian:bookworm';
const work = mkdtempSync(join(tmpdir(), 'bakehouse-bridge-test-'));
after(() => {
  useExternalComponents(undefined);
  rmSync(work, { recursive: true, force: true });
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const packer = PACKER_1_14.packer;
  assert.ok(packer, PACKER_1_14.skip || '');
  const config = join(work, 'packer-config');
  return {
    PATH: process.env.PATH,
    HOME: config,
    PACKER_CONFIG_DIR: config,
    PACKER_PLUGIN_PATH: packer.pluginPath,
    BAKEHOUSE_PACKER: packer.bin,
    BAKEHOUSE_DATA_DIR: join(work, 'data'),
    DOCKER_HOST: process.env.DOCKER_HOST ?? '',
    ...extra,
  };
}

function io(e: NodeJS.ProcessEnv, dir: string, out: { stdout: string; stderr: string }, onStdout?: (t: string) => void): CliIO {
  return {
    stdout: (t) => {
      out.stdout += t;
      onStdout?.(t);
    },
    stderr: (t) => void (out.stderr += t),
    stdin: new PassThrough(),
    stdinIsTTY: false,
    env: e,
    cwd: dir,
    color: false,
  };
}

async function cli(argv: string[], dir: string, e = env()): Promise<Ran> {
  const out = { stdout: '', stderr: '' };
  const code = await runCli(argv, io(e, dir, out));
  // Diagnostics wrap at 80 columns: compare words.
  return { code, stdout: out.stdout.replace(/\s+/g, ' '), stderr: out.stderr.replace(/\s+/g, ' ') };
}

function template(body: string): string {
  const dir = mkdtempSync(join(work, 't-'));
  writeFileSync(join(dir, 'build.pkr.hcl'), body);
  return dir;
}

/** Every container of these tests carries this label, so other tests' containers of the same image do not count. */
const LABEL = `bakehouse.bridge-test=${process.pid}`;

const SOURCE = `
source "docker" "deb" {
  image       = "${IMAGE}"
  discard     = true
  pull        = false
  run_command = ["-d", "-i", "-t", "--label", "${LABEL}", "--entrypoint=/bin/sh", "--", "{{.Image}}"]
}
`;

const SBOM = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5' });
const throughPacker = (lines: string[]) => `
  provisioner "windows-shell" {
    inline          = ${JSON.stringify([...lines, `echo '${SBOM}' > /tmp/sbom.json`])}
    execute_command = "sh {{.Path}}"
    remote_path     = "/tmp/bridged.cmd"
  }
  provisioner "hcp-sbom" {
    source = "/tmp/sbom.json"
  }`;

function containersFrom(image: string): string[] {
  const r = spawnSync('docker', ['ps', '-aq', '--filter', `ancestor=${image}`, '--filter', `label=${LABEL}`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

test('machine-readable lines are split into fields with commas and newlines restored', () => {
  assert.deepEqual(parseMachineLine('1796652862,b.docker.x,artifact,0,string,a%!(PACKER_COMMA) b\\nc'), {
    time: 1796652862000,
    target: 'b.docker.x',
    type: 'artifact',
    data: ['0', 'string', 'a, b\nc'],
  });
  assert.equal(parseMachineLine('not a machine line'), undefined);
  assert.deepEqual(splitUiText('==> b.docker.x: Provisioning with shell...', 'b.docker.x'), { level: 'say', text: 'Provisioning with shell...' });
  assert.deepEqual(splitUiText('    b.docker.x: hello', 'b.docker.x'), { level: 'message', text: 'hello' });
  assert.equal(splitUiText('Build finished', 'b.docker.x'), undefined);
});

test('a type only Packer has validates with a warning naming the Packer that runs it', { skip }, async () => {
  const dir = template(`${SOURCE}\nbuild {\n  sources = ["source.docker.deb"]\n${throughPacker(['echo hi'])}\n}\n`);
  const r = await cli(['validate', dir], dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Provisioner type "hcp-sbom" runs through Packer/);
  assert.match(r.stdout, /Packer 1\.14\.\d+/);
});

test('without a Packer that has the type: one error naming the type and how to get it', async () => {
  const dir = template(`${SOURCE}\nbuild {\n  sources = ["source.docker.deb"]\n  provisioner "goss" {\n    tests = ["goss.yaml"]\n  }\n}\n`);
  const none = await cli(['validate', dir], dir, { PATH: '/nonexistent', BAKEHOUSE_DATA_DIR: join(work, 'data') });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /Unknown provisioner type "goss"/);
  assert.match(none.stderr, /Packer was not found: put `packer` on PATH or set BAKEHOUSE_PACKER/);
  if (skip) return;
  const noPlugin = await cli(['validate', dir], dir);
  assert.equal(noPlugin.code, 1);
  assert.match(noPlugin.stderr, /has no provisioner "goss": install the plugin that provides it with `packer plugins install/);
});

test('a Packer older than 1.7 is named as too old to run plugins', { skip: !process.env.CI && spawnSync('packer', ['version']).status !== 0 && 'Debian packer is not installed' }, async () => {
  const dir = template(`${SOURCE}\nbuild {\n  sources = ["source.docker.deb"]\n${throughPacker(['echo hi'])}\n}\n`);
  const r = await cli(['validate', dir], dir, { PATH: process.env.PATH ?? '', BAKEHOUSE_PACKER: '/usr/bin/packer', BAKEHOUSE_DATA_DIR: join(work, 'data') });
  // Bakehouse has no hcp-sbom provisioner, and this Packer cannot run one for it: the error says why.
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /Unknown provisioner type "hcp-sbom"/);
  assert.match(r.stderr, /Packer 1\.6\.6 at \/usr\/bin\/packer is too old to run plugins for Bakehouse: Packer 1\.7 or newer is needed/);
});

/** Runs `bakehouse build -machine-readable` in-process and returns its machine-readable events by type. */
async function build(dir: string, args: string[], e: NodeJS.ProcessEnv, signals = new EventEmitter(), onStdout?: (t: string) => void): Promise<Ran> {
  useExternalComponents(undefined);
  const parsed = parseFlags([...args, dir], buildCommand.flags);
  assert.ok(parsed.ok);
  const out = { stdout: '', stderr: '' };
  // As runCli does before any command: the lookup the validator uses.
  const { externalLookup } = await import('../../core/packer-bridge/install');
  useExternalComponents(externalLookup(e));
  const code = await runBuildCommand(parsed.value, io(e, dir, out, onStdout), { signals });
  return { code, ...out };
}

test('a bridged build runs through Packer beside a native one; its output, provisioner events and artifact are Bakehouse events', { skip, timeout: 180_000 }, async () => {
  const dir = template(`${SOURCE}
variable "secret" {
  type      = string
  sensitive = true
}
build {
  name    = "bridged"
  sources = ["source.docker.deb"]
${throughPacker(['echo hello from the bridge', 'echo "the secret is ${var.secret}"'])}
}
build {
  name    = "native"
  sources = ["source.docker.deb"]
  provisioner "shell" {
    inline = ["echo hello from bakehouse"]
  }
}
`);
  // A wrapper in front of Packer records the argv and environment names it was started with.
  const wrapper = join(work, 'packer-wrapper.sh');
  const seen = join(work, 'packer-argv.txt');
  writeFileSync(wrapper, `#!/bin/sh\nif [ "$1" = build ]; then printf '%s\\n' "$@" > ${seen}; env | grep -c '^PKR_VAR_secret=s3cr3t-value$' >> ${seen}; fi\nexec ${env().BAKEHOUSE_PACKER} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const before = containersFrom(IMAGE);
  const r = await build(dir, ['-machine-readable', '-var', 'secret=s3cr3t-value'], env({ BAKEHOUSE_PACKER: wrapper }));
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /bridged\.docker\.deb.*hello from the bridge/);
  assert.match(r.stdout, /native\.docker\.deb.*hello from bakehouse/);
  assert.doesNotMatch(r.stdout + r.stderr, /s3cr3t-value/);
  assert.match(r.stdout, /the secret is <sensitive>/);
  const argv = readFileSync(seen, 'utf8');
  assert.doesNotMatch(argv.split('\n').slice(0, -2).join('\n'), /s3cr3t/, 'the secret is not on Packer\'s command line');
  assert.equal(argv.trim().split('\n').at(-1), '1', 'the secret reaches Packer in its environment');
  assert.match(argv, /-only=bridged\.docker\.deb/);
  assert.match(r.stdout, /bridged\.docker\.deb,artifact,0,builder-id,packer\.docker/);
  assert.deepEqual(containersFrom(IMAGE).sort(), before.sort(), 'no container is left');
  // The run log (what the app's graph and history read) has the bridged provisioner's start and end, as for a native one.
  const runs = join(work, 'data', 'runs');
  const log = readdirSync(runs).filter((n) => n.endsWith('.jsonl')).map((n) => readFileSync(join(runs, n), 'utf8')).join('\n');
  const events = log.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { build: string; kind: string; type?: string; result?: string });
  const bridged = events.filter((e) => e.build === 'bridged.docker.deb' && e.kind.startsWith('provisioner-'));
  assert.deepEqual(bridged.map((e) => [e.kind, e.type, e.result]), [
    // Packer's hcp-sbom says nothing when it runs, so only windows-shell's start shows in Packer's output.
    ['provisioner-started', 'windows-shell', undefined],
    ['provisioner-finished', 'windows-shell', 'succeeded'],
  ]);
});

test('a variable bound to a vault credential reaches a bridged build\'s Packer in its environment, masked in its output', { skip, timeout: 180_000 }, async () => {
  const dir = template(`${SOURCE}
variable "secret" {
  type      = string
  sensitive = true
}
build {
  name    = "bound"
  sources = ["source.docker.deb"]
${throughPacker(['echo "the bound secret is ${var.secret}"'])}
}
`);
  const e = env({ BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: 'bridge pass' });
  const out = { stdout: '', stderr: '' };
  const stdin = new PassThrough();
  stdin.end(JSON.stringify({ value: 'v4ult-s3cret' }));
  assert.equal(await runCli(['credentials', 'add', 'secret', 'dbpw'], { ...io(e, dir, out), stdin }), 0, out.stderr);
  const wrapper = join(work, 'packer-wrapper-bound.sh');
  const seen = join(work, 'packer-argv-bound.txt');
  writeFileSync(wrapper, `#!/bin/sh\nif [ "$1" = build ]; then printf '%s\\n' "$@" > ${seen}; env | grep -c '^PKR_VAR_secret=v4ult-s3cret$' >> ${seen}; fi\nexec ${e.BAKEHOUSE_PACKER} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const r = await build(dir, ['-credential', 'var.secret=dbpw'], { ...e, BAKEHOUSE_PACKER: wrapper });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /the bound secret is <sensitive>/);
  assert.doesNotMatch(r.stdout + r.stderr, /v4ult-s3cret/);
  const argv = readFileSync(seen, 'utf8');
  assert.doesNotMatch(argv, /v4ult-s3cret/, 'the secret is not on Packer\'s command line');
  assert.equal(argv.trim().split('\n').at(-1), '1', 'the bound secret reaches Packer in its environment');
});

test('a failing bridged build fails with Packer\'s error; a cancelled one is cancelled and Packer removes its container', { skip, timeout: 180_000 }, async () => {
  const failing = template(`${SOURCE}\nbuild {\n  name = "fails"\n  sources = ["source.docker.deb"]\n${throughPacker(['exit 3'])}\n}\n`);
  const before = containersFrom(IMAGE);
  const f = await build(failing, [], env());
  assert.equal(f.code, 1);
  assert.match(f.stdout + f.stderr, /Build 'fails\.docker\.deb' errored/);
  assert.match(f.stdout + f.stderr, /exit status 3|non-zero exit status/i);

  const slow = template(`${SOURCE}\nbuild {\n  name = "slow"\n  sources = ["source.docker.deb"]\n${throughPacker(['echo sleeping now', 'sleep 120'])}\n}\n`);
  const signals = new EventEmitter();
  const started = Date.now();
  let during: string[] = [];
  const c = await build(slow, [], env(), signals, (t) => {
    if (!t.includes('sleeping now')) return;
    during = containersFrom(IMAGE);
    signals.emit('SIGINT');
  });
  assert.equal(during.length, before.length + 1, "Packer's container ran, with the test's label");
  assert.equal(c.code, 1);
  assert.match(c.stderr, /Cleanly cancelled builds after being interrupted/);
  assert.ok(Date.now() - started < 90_000, 'the cancel ended the build long before the sleep would have');
  assert.deepEqual(containersFrom(IMAGE).sort(), before.sort(), 'Packer removed its container');
});
