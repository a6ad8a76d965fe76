/**
 * The windows-shell provisioner run for real. No Windows machine runs here, so Linux stands in for one: the scripts are
 * run with execute_command `sh {{.Path}}` (or a command built from {{.Vars}}) instead of cmd.exe, in a Docker container
 * from local/debian:bookworm and over a real sshd. What the provisioner itself does — the inline file, the upload to
 * remote_path, the variables in env_var_format, exit codes, messages — is the same whatever runs the script, and is
 * compared line for line with Packer 1.14 running the same template.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANCELLED } from '../../../core/common/result';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import type { BuildInfo } from '../../../core/engine/plugin';
import { windowsShellProvisioner } from '../../../core/provisioners/windows-shell/provisioner';
import type { Plain } from '../../../core/template/values/value';
import { assertNothingLeft, BASE_IMAGE, plannedBuild, requireDocker, runBuild, workDir } from '../../builders/docker/harness';
import { recordingUi, runStep, sshConfig } from '../../communicators/ssh/harness';
import { PACKER_1_14, runReferencePacker } from '../../support/reference-packer';
import { startSshd, TEST_PASSWORD, TEST_USER } from '../../support/sshd';

type Provisioners = Array<[string, Record<string, Plain>]>;

/** The same provisioners as an HCL template for Packer, on the same image. */
function packerTemplate(provisioners: Provisioners): string {
  const blocks = provisioners.map(([type, fields]) => {
    const body = Object.entries(fields).map(([k, v]) => `    ${k} = ${JSON.stringify(v).replace(/^\{(.*)\}$/, (_m, inner: string) => `{ ${inner.replace(/":/g, '" = ')} }`)}`);
    return `  provisioner "${type}" {\n${body.join('\n')}\n  }`;
  });
  return `source "docker" "deb" {\n  image = "${BASE_IMAGE}"\n  discard = true\n  pull = false\n}\nbuild {\n  sources = ["source.docker.deb"]\n${blocks.join('\n')}\n}\n`;
}

/** Runs the template through Packer 1.14 and returns its whole output and the provisioners' lines: from the first
 * "Provisioning with windows-shell..." to the last line before the builder's cleanup. */
function packerLines(dir: string, provisioners: Provisioners): { lines: string[]; all: string } {
  const packer = PACKER_1_14.packer;
  assert.ok(packer, PACKER_1_14.skip || '');
  writeFileSync(join(dir, 'ref.pkr.hcl'), packerTemplate(provisioners));
  const r = runReferencePacker(packer, ['build', '-color=false', 'ref.pkr.hcl'], { cwd: dir });
  const all = r.stdout + r.stderr;
  const lines = all.split('\n').flatMap((l) => /^==> docker\.deb: (.*)$/.exec(l)?.slice(1) ?? []);
  const first = lines.indexOf('Provisioning with windows-shell...');
  const cleanup = lines.findIndex((l) => l.startsWith('Killing the container'));
  return { lines: lines.slice(first, cleanup), all };
}

/** Our build's lines over the same span: what the provisioners said and their scripts' output. */
function ourLines(log: string[], last: string): string[] {
  return log.slice(log.indexOf('Provisioning with windows-shell...'), log.lastIndexOf(last) + 1);
}

/** The temporary file holding inline commands has a random name in both. */
const sameInlineName = (l: string) => l.replace(/^(Provisioning with shell script: )\/tmp\/.*$/, '$1<inline commands>');

const skipPacker = !process.env.CI && PACKER_1_14.skip;

test('in a container: inline and script files, {{.Vars}} in a custom env_var_format, valid_exit_codes, as Packer 1.14 prints them', { skip: skipPacker, timeout: 240_000 }, async () => {
  requireDocker();
  const dir = workDir();
  writeFileSync(join(dir, 'three.cmd'), 'echo "script file, then exit 3"\nexit 3\n');
  const provisioners: Provisioners = [
    ['windows-shell', { inline: ['echo one', 'echo "two: $0"'], execute_command: 'sh {{.Path}}', remote_path: '/tmp/ws-inline.cmd' }],
    [
      'windows-shell',
      {
        inline: ['echo "greeting=$GREETING extra=$EXTRA build=$PACKER_BUILD_NAME type=$PACKER_BUILDER_TYPE"'],
        environment_vars: ['GREETING=hello world', 'EXTRA=overridden by env'],
        env: { EXTRA: 'from env' },
        env_var_format: 'export %s="%s"; ',
        execute_command: '{{.Vars}}sh {{.Path}}',
        remote_path: '/tmp/ws-vars.cmd',
      },
    ],
    // The command shows {{.Vars}} as written: sorted names, each in the format.
    ['windows-shell', { inline: ['true'], environment_vars: ['B=2', 'A=1'], env_var_format: '<%s|%s>', execute_command: 'echo "[{{.Vars}}]"', remote_path: '/tmp/ws-echo.cmd' }],
    ['windows-shell', { script: 'three.cmd', valid_exit_codes: [0, 3], execute_command: 'sh {{.Path}}', remote_path: '/tmp/ws-script.cmd' }],
  ];
  const r = await runBuild({ name: 'deb', builder: { discard: true }, provisioners }, dir);
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.join('\n')}`);
  const output = r.events.flatMap((e) => (e.kind === 'output' ? [e.line] : []));
  assert.deepEqual(output, [
    'one',
    'two: /tmp/ws-inline.cmd',
    'greeting=hello world extra=from env build=deb type=docker',
    '[<A|1><B|2><PACKER_BUILDER_TYPE|docker><PACKER_BUILD_NAME|deb>]',
    'script file, then exit 3',
  ]);
  const ours = ourLines(r.log, 'script file, then exit 3');
  assert.equal(ours.filter((l) => l === 'Provisioning with windows-shell...').length, 4, ours.join('\n'));
  assert.ok(ours.includes('Provisioning with shell script: three.cmd'), ours.join('\n'));
  assertNothingLeft(r.runId);

  const ref = packerLines(dir, provisioners);
  assert.deepEqual(ours.map(sameInlineName), ref.lines.map(sameInlineName), ref.all);
});

test('in a container: an exit code outside valid_exit_codes fails the build in Packer\'s words', { skip: skipPacker, timeout: 240_000 }, async () => {
  requireDocker();
  const dir = workDir();
  const provisioners: Provisioners = [['windows-shell', { inline: ['echo failing', 'exit 4'], valid_exit_codes: [0, 3], execute_command: 'sh {{.Path}}', remote_path: '/tmp/ws-fail.cmd' }]];
  const r = await runBuild({ name: 'deb', builder: { discard: true }, provisioners }, dir);
  const expected = 'Script exited with non-zero exit status: 4. Allowed exit codes are: [0 3]';
  assert.equal(r.summary.builds[0].error, expected);
  assertNothingLeft(r.runId);
  const ref = packerLines(dir, provisioners);
  assert.ok(ref.all.includes(`Build 'docker.deb' errored after`) && ref.all.includes(expected), ref.all);
  assert.deepEqual(ourLines(r.log, 'failing').map(sameInlineName), ref.lines.map(sameInlineName).slice(0, 3), ref.all);
});

const info: BuildInfo = { name: 'ssh', displayName: 'null.ssh', hcl2: true, builderType: 'null', runId: 'r', env: {}, cwd: '/', force: false };

test('over SSH: runs with the default env_var_format, and a cancel stops a running script at once', { timeout: 60_000 }, async () => {
  const sshd = await startSshd();
  const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_password: TEST_PASSWORD }), { intervalMs: 100 }));
  try {
    assert.deepEqual(run.result, { ok: true, value: undefined });
    // The default `set "%s=%s" && ` is cmd.exe's; sh reads `set "A=1"` as setting $1, so the command echoes it instead.
    const prepared = windowsShellProvisioner.prepare(
      plannedBuild({ builder: { inline: ['echo over ssh from $0'], environment_vars: ['A=1'], execute_command: "echo '{{.Vars}}'; sh {{.Path}}", remote_path: '/tmp/bh-ws-ssh.cmd' } }).builder,
      info,
    );
    assert.ok(prepared.ok);
    const ui = recordingUi();
    const r = await prepared.value.provision({ ui, signal: new AbortController().signal, build: info, communicator: run.communicator, generated: { PackerHTTPAddr: '10.0.2.2:8080', PackerHTTPIP: '10.0.2.2', PackerHTTPPort: '8080' } });
    assert.deepEqual(r, { ok: true, value: undefined }, ui.lines.join('\n'));
    assert.ok(
      ui.lines.includes('stdout: set "A=1" && set "PACKER_BUILDER_TYPE=null" && set "PACKER_BUILD_NAME=ssh" && set "PACKER_HTTP_ADDR=10.0.2.2:8080" && set "PACKER_HTTP_IP=10.0.2.2" && set "PACKER_HTTP_PORT=8080" && '),
      ui.lines.join('\n'),
    );
    assert.ok(ui.lines.includes('stdout: over ssh from /tmp/bh-ws-ssh.cmd'), ui.lines.join('\n'));
    assert.equal(ui.lines[0], 'say: Provisioning with windows-shell...');

    const slow = windowsShellProvisioner.prepare(plannedBuild({ builder: { inline: ['echo sleeping now', 'sleep 60'], execute_command: 'sh {{.Path}}', remote_path: '/tmp/bh-ws-slow.cmd' } }).builder, info);
    assert.ok(slow.ok);
    const abort = new AbortController();
    const slowUi = recordingUi();
    const output = slowUi.output;
    slowUi.output = (stream, line) => {
      output(stream, line);
      if (line === 'sleeping now') abort.abort();
    };
    const started = Date.now();
    const c = await slow.value.provision({ ui: slowUi, signal: abort.signal, build: info, communicator: run.communicator, generated: {} });
    assert.deepEqual(c, { ok: false, error: CANCELLED });
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  } finally {
    await run.cleanup();
    await sshd.stop();
  }
});
