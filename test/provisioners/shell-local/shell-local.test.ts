import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { build, collect, provisioner, tempDir, texts } from '../../engine/helpers';

async function run(fields: Parameters<typeof provisioner>[1], cwd = tempDir()) {
  const { summary, events } = await collect({ builds: [build('null', { provisioners: [provisioner('shell-local', fields)] })], registry: builtinPlugins(), cwd });
  return { summary, out: texts(events), events };
}

test('environment_vars reach the script shell-quoted, with PACKER_BUILD_NAME and PACKER_BUILDER_TYPE', async () => {
  const { out } = await run({ inline: ['echo "$GREETING|$QUOTE|$PACKER_BUILD_NAME|$PACKER_BUILDER_TYPE"'], environment_vars: ['GREETING=hello world', "QUOTE=it's $HOME"] });
  assert.ok(out.includes("hello world|it's $HOME|null|null"), out.join('\n'));
});

test('script and scripts run files in order; stdout and stderr become output lines', async () => {
  const dir = tempDir();
  for (const [name, body] of [
    ['one.sh', '#!/bin/sh\necho from one\necho warn >&2\n'],
    ['two.sh', '#!/bin/sh\necho from two\n'],
  ]) {
    writeFileSync(join(dir, name), body);
    chmodSync(join(dir, name), 0o755);
  }
  const { events } = await run({ scripts: [join(dir, 'one.sh'), join(dir, 'two.sh')] }, dir);
  const lines = events.flatMap((e) => (e.kind === 'output' ? [`${e.stream}:${e.line}`] : []));
  assert.deepEqual(lines.filter((l) => l.startsWith('stdout')), ['stdout:from one', 'stdout:from two']);
  assert.ok(lines.includes('stderr:warn'));
});

test('execute_command and valid_exit_codes are honoured', async () => {
  const { summary, out } = await run({ inline: ['exit 7'], execute_command: ['/bin/sh', '-c', 'echo running {{.Script}}; {{.Vars}} {{.Script}}'], valid_exit_codes: [0, 7] });
  assert.equal(summary.builds[0].result, 'succeeded');
  assert.ok(out.some((l) => /^running \/.*packer-shell\d+$/.test(l)));
});

test('config errors are reported as Packer words them', async () => {
  const none = await run({});
  assert.match(none.summary.prepareErrors[0].error, /Inline, Script and Scripts options cannot all be empty/);
  const both = await run({ inline: ['true'], script: '/etc/hostname' });
  assert.match(both.summary.prepareErrors[0].error, /Only one of Inline, Script, or Scripts can be set/);
  const badEnv = await run({ inline: ['true'], environment_vars: ['NOVALUE'] });
  assert.match(badEnv.summary.prepareErrors[0].error, /Environment variable not in format 'key=value': NOVALUE/);
});
