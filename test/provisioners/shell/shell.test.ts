import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flattenedVars, readShellConfig, shellProvisioner } from '../../../core/provisioners/shell/provisioner';
import type { BuildInfo } from '../../../core/engine/plugin';
import type { Plain } from '../../../core/template/values/value';
import { assertNothingLeft, inImage, plannedBuild, removeImages, requireDocker, runBuild, TINY_IMAGE, workDir } from '../../builders/docker/harness';

function prepareErrors(fields: Record<string, Plain>, cwd = '/'): string[] {
  const r = readShellConfig(plannedBuild({ builder: fields }).builder, cwd);
  return r.ok ? [] : r.error;
}

test('prepare: Packer\'s messages for missing, conflicting and bad settings', () => {
  assert.deepEqual(prepareErrors({}), ['Either a script file or inline script must be specified.']);
  assert.deepEqual(prepareErrors({ inline: ['x'], script: '/etc/hostname' }), ['Only a script file or an inline script can be specified, not both.']);
  assert.deepEqual(prepareErrors({ script: '/etc/hostname', scripts: ['/etc/hostname'] }), ['Only one of script or scripts can be specified.']);
  assert.deepEqual(prepareErrors({ script: 'nope.sh' }), ["Bad script 'nope.sh': stat nope.sh: no such file or directory"]);
  assert.deepEqual(prepareErrors({ inline: ['x'], environment_vars: ['NOEQUALS'] }), ["Environment variable not in format 'key=value': NOEQUALS"]);
});

test('{{.Vars}} as Packer 1.14: the env map wins over environment_vars, quotes escaped, PACKER_HTTP_* when the builder serves HTTP', () => {
  const r = readShellConfig(plannedBuild({ builder: { inline: ['x'], environment_vars: ['A=1', "Q=it's"], env: { A: 'from env' } } }).builder, '/');
  assert.ok(r.ok);
  const build: BuildInfo = { name: 'b', displayName: 'qemu.b', hcl2: true, builderType: 'qemu', runId: 'r', env: {}, cwd: '/', force: false };
  const generated = { PackerHTTPAddr: '10.0.2.2:8000', PackerHTTPIP: '10.0.2.2', PackerHTTPPort: '8000' };
  assert.equal(
    flattenedVars(r.value, build, generated),
    "A='from env' PACKER_BUILDER_TYPE='qemu' PACKER_BUILD_NAME='b' PACKER_HTTP_ADDR='10.0.2.2:8000' PACKER_HTTP_IP='10.0.2.2' PACKER_HTTP_PORT='8000' Q='it'\"'\"'s' ",
  );
  assert.equal(flattenedVars(r.value, build, { PackerHTTPAddr: 'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER' }).includes('PACKER_HTTP'), false);
});

test('valid_exit_codes, execute_command, env_var_format, inline_shebang, remote_folder/remote_file, skip_clean, use_env_var_file', async () => {
  requireDocker();
  const dir = workDir();
  writeFileSync(join(dir, 'a.sh'), 'echo "a sees $WHO"\n');
  writeFileSync(join(dir, 'b.sh'), 'echo "b sees $WHO"\n');
  const r = await runBuild(
    {
      builder: { commit: true },
      provisioners: [
        ['shell', { inline: ['exit 3'], valid_exit_codes: [0, 3] }],
        [
          'shell',
          {
            inline: ['echo "shebang: $0"', 'echo "vars: $A and $B"'],
            inline_shebang: '/bin/bash -e',
            environment_vars: ['A=1', 'B=two words'],
            env_var_format: 'export %s="%s"; ',
            execute_command: 'chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }} > /tmp/out.log; cat /tmp/out.log',
            remote_folder: '/root',
            remote_file: 'kept.sh',
            skip_clean: true,
          },
        ],
        ['shell', { scripts: ['a.sh', 'b.sh'], environment_vars: ['WHO=scripts'], execute_command: '{{.Vars}} /bin/sh {{.Path}}' }],
        ['shell', { inline: ['echo "file vars: $C"'], environment_vars: ['C=from file'], use_env_var_file: true, remote_path: '/tmp/via-file.sh' }],
      ],
    },
    dir,
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.join('\n')}`);
  assert.ok(r.log.includes('shebang: /root/kept.sh'), r.log.join('\n'));
  assert.ok(r.log.includes('vars: 1 and two words'));
  assert.ok(r.log.includes('a sees scripts') && r.log.includes('b sees scripts'));
  assert.ok(r.log.includes('Provisioning with shell script: a.sh'));
  assert.ok(r.log.includes('file vars: from file'));
  try {
    assert.equal(inImage(b.artifacts[0].id, 'head -1 /root/kept.sh; ls /tmp | grep -c -e via-file -e varfile || true'), '#!/bin/bash -e\n0');
  } finally {
    removeImages(b.artifacts[0].id);
  }
  assertNothingLeft(r.runId);
});

test('a remote_folder the exec_user cannot write: the script is uploaded as root and handed to them, and runs', async () => {
  requireDocker();
  const r = await runBuild(
    {
      builder: { discard: true, exec_user: 'nobody' },
      provisioners: [['shell', { inline: ['echo "ran as $(id -un) from $0"'], remote_folder: '/usr/local/bin', remote_file: 'by-nobody.sh', skip_clean: true }]],
    },
    workDir(),
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.join('\n')}`);
  assert.ok(r.log.includes('ran as nobody from /usr/local/bin/by-nobody.sh'), r.log.join('\n'));
  assert.ok(!r.log.some((l) => /cannot-write|Permission denied/.test(l)), r.log.join('\n'));
  assertNothingLeft(r.runId);
});

test('an exit code outside valid_exit_codes fails with Packer\'s message', async () => {
  requireDocker();
  const r = await runBuild({ builder: { image: TINY_IMAGE, discard: true }, provisioners: [['shell', { inline: ['exit 4'], valid_exit_codes: [0, 3] }]] }, workDir());
  assert.equal(r.summary.builds[0].error, 'Script exited with non-zero exit status: 4.Allowed exit codes are: [0 3]');
  assertNothingLeft(r.runId);
});

test('the shell provisioner without a communicator says so', async () => {
  const info: BuildInfo = { name: 'n', displayName: 'null.n', hcl2: true, builderType: 'null', runId: 'r', env: {}, cwd: '/', force: false };
  const prepared = shellProvisioner.prepare(plannedBuild({ builder: { inline: ['true'] } }).builder, info);
  assert.ok(prepared.ok);
  const ui = { say() {}, message() {}, error() {}, output() {}, log() {}, ask: async () => 'continue' as const };
  const r = await prepared.value.provision({ ui, signal: new AbortController().signal, build: info, generated: {} });
  assert.deepEqual(r, { ok: false, error: 'The shell provisioner needs a communicator to reach the machine; this build has none.' });
});
