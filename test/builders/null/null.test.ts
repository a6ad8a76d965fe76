import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { build, collect, config } from '../../engine/helpers';

test('the null builder reports Packer\'s null artifact', async () => {
  const { summary } = await collect({ builds: [build('null')], registry: builtinPlugins() });
  assert.deepEqual(summary.builds[0].artifacts, [{ id: 'Null', builderId: 'fnoeding.null', files: [], text: 'Did not export anything. This is the null builder', state: {} }]);
});

test('the null builder with communicator "ssh" checks its connection settings before the build starts', async () => {
  const { summary } = await collect({ builds: [build('null', { builder: config({ communicator: 'ssh', ssh_host: 'x' }) })], registry: builtinPlugins() });
  assert.match(summary.prepareErrors[0].error, /ssh_username must be specified/);
});
