import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLineVBoxManage, findVBoxManage } from '../../../core/builders/virtualbox/vboxmanage';

const vboxmanage = findVBoxManage(process.env);

test('VBoxManage on this machine answers --version and lists OS types', { skip: vboxmanage ? false : 'VBoxManage is not installed (VirtualBox cannot be installed on this machine)' }, async () => {
  const vbox = commandLineVBoxManage({ path: vboxmanage!, env: process.env });
  const signal = new AbortController().signal;
  const version = await vbox.run(['--version'], signal);
  assert.ok(version.ok, version.ok ? '' : version.error);
  assert.match(version.value, /^\d+\.\d+/);
  const types = await vbox.run(['list', 'ostypes'], signal);
  assert.ok(types.ok, types.ok ? '' : types.error);
  assert.match(types.value, /Ubuntu_64/);
});

test('a VBoxManage that fails reports its error output', async () => {
  // /bin/sh stands in for VBoxManage: it exits non-zero with a message, as VBoxManage does for a bad command.
  const vbox = commandLineVBoxManage({ path: '/bin/sh', env: process.env });
  const r = await vbox.run(['-c', 'echo "VBoxManage: error: Could not find a registered machine named \'x\'" >&2; exit 1'], new AbortController().signal);
  assert.equal(r.ok ? '' : r.error, "VBoxManage error: VBoxManage: error: Could not find a registered machine named 'x'");
  const missing = await commandLineVBoxManage({ path: '/nonexistent/VBoxManage', env: process.env }).run(['--version'], new AbortController().signal);
  assert.equal(missing.ok ? '' : missing.error, 'VBoxManage not found at /nonexistent/VBoxManage');
});
