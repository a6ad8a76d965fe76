import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHost } from '../../core/app/host';
import { workspace } from './fixtures';

test('templates.schema describes a component\'s fields for the node form, common settings included', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const r = await host.call('templates.schema', { kind: 'provisioner', type: 'shell' });
  assert.ok(r.ok);
  const form = r.value as import('../../core/contract/types').ComponentForm;
  assert.equal(form.type, 'shell');
  const byName = new Map(form.fields.map((f) => [f.name, f]));
  assert.deepEqual(byName.get('inline'), { name: 'inline', type: 'list', itemType: 'string', description: 'Commands to run, one per item, as a single script.', required: false, oneOf: ['inline', 'script', 'scripts'] });
  assert.equal(byName.get('valid_exit_codes')?.itemType, 'number');
  assert.equal(byName.get('valid_exit_codes')?.default, '[0]');
  assert.equal(byName.get('expect_disconnect')?.type, 'bool');
  assert.equal(byName.get('pause_after')?.type, 'duration');
  assert.deepEqual([byName.get('max_retries')?.type, byName.get('max_retries')?.common], ['number', true]);
  // It crosses the wire as plain data.
  assert.deepEqual(JSON.parse(JSON.stringify(form)), form);

  const docker = await host.handlers.templates.schema({ kind: 'builder', type: 'docker' });
  assert.ok(docker.ok && docker.value);
  // Since docker v1.1.4 a `build` block may stand in for image: one of the two is needed.
  assert.deepEqual(docker.value.fields.find((f) => f.name === 'image')?.oneOf, ['image', 'build']);
  assert.equal(docker.value.fields.find((f) => f.name === 'changes')?.type, 'list');

  const unknown = await host.handlers.templates.schema({ kind: 'provisioner', type: 'no-such' });
  assert.deepEqual(unknown, { ok: true, value: null });
  const bad = await host.call('templates.schema', { kind: 'source', type: 'docker' });
  assert.ok(!bad.ok && bad.error.code === 'invalid-input');
  await host.dispose();
});
