import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pluginsFor } from '../../../core/cli/commands/build';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { plannedBuild } from '../../builders/docker/harness';

const PROVISIONERS = ['shell', 'file', 'shell-local', 'breakpoint'];
const POST_PROCESSORS = ['docker-tag', 'docker-push', 'docker-save', 'docker-import', 'manifest', 'checksum', 'shell-local'];

test('a docker build loads only the plugins it uses, the very ones the built-in registry holds', async () => {
  const all = builtinPlugins();
  const build = plannedBuild({
    builder: {},
    provisioners: PROVISIONERS.map((t) => [t, {}]),
    postProcessors: [POST_PROCESSORS.map((t) => [t, {}])],
  });
  const registry = await pluginsFor([build]);
  assert.equal(registry.builder('docker'), all.builder('docker'));
  for (const t of PROVISIONERS) assert.equal(registry.provisioner(t), all.provisioner(t), t);
  for (const t of POST_PROCESSORS) assert.equal(registry.postProcessor(t), all.postProcessor(t), t);
  assert.equal(registry.builder('qemu'), undefined, 'nothing the build does not use');
});

test('a type the on-demand list does not know loads the full built-in registry', async () => {
  const qemu = { ...plannedBuild({ builder: {} }), type: 'qemu' };
  assert.ok((await pluginsFor([qemu])).builder('qemu'));
  const compress = plannedBuild({ builder: {}, postProcessors: [[['compress', {}]]] });
  assert.ok((await pluginsFor([compress])).postProcessor('compress'));
});
