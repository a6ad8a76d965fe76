import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { vagrantPostProcessor } from '../../../core/post-processors/vagrant/post-processor';
import { build, collect, postProcessor, tempDir, texts } from '../../engine/helpers';

test('in a build: the box is the artifact and the input it replaced is deleted, unless keep_input_artifact', async (t) => {
  const dir = tempDir('bakehouse-vagrant-engine-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const registry = builtinPlugins().addPostProcessor(vagrantPostProcessor);
  const chain = (keep?: boolean) => [
    postProcessor('artifice', { files: ['info.json'] }),
    postProcessor('vagrant', { provider_override: 'docker', include: ['info.json'], output: keep ? 'kept.box' : 'dropped.box' }, keep ? { keepInputArtifact: true } : {}),
  ];
  writeFileSync(join(dir, 'info.json'), '{}');
  const kept = await collect({ builds: [build('null', { postProcessors: [chain(true)] })], registry, cwd: dir });
  assert.equal(kept.summary.builds[0].result, 'succeeded', kept.summary.builds[0].error);
  assert.ok(kept.summary.builds[0].artifacts.some((a) => a.text === "'docker' provider box: kept.box"));
  assert.equal(existsSync(join(dir, 'info.json')), true);
  const dropped = await collect({ builds: [build('null', { postProcessors: [chain()] })], registry, cwd: dir });
  assert.equal(dropped.summary.builds[0].result, 'succeeded', dropped.summary.builds[0].error);
  assert.ok(texts(dropped.events).includes("Creating Vagrant box for 'docker' provider"));
  assert.equal(existsSync(join(dir, 'dropped.box')), true);
  assert.equal(existsSync(join(dir, 'info.json')), false);
});
