import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHost } from '../../core/app/host';
import { fromService } from '../../core/contract/bind';
import { toService } from '../../core/contract/channel';
import { METHOD_NAMES, type ContractApi } from '../../core/contract/methods';
import { workspace } from '../app/fixtures';

test('the proxy has one function per declared method, each calling its channel by wire name with the input as given', async () => {
  const calls: Array<[string, unknown]> = [];
  const api = toService(async (method, input) => {
    calls.push([method, input]);
    return { ok: true, value: method };
  });
  assert.deepEqual(Object.keys(api).sort(), ['builds', 'credentials', 'history', 'stepping', 'templates', 'workspace']);
  assert.deepEqual(await api.templates.open({ path: '/t.pkr.hcl' }), { ok: true, value: 'templates.open' });
  assert.deepEqual(await api.builds.cancel({ runId: 'r1' }), { ok: true, value: 'builds.cancel' });
  assert.deepEqual(calls, [
    ['templates.open', { path: '/t.pkr.hcl' }],
    ['builds.cancel', { runId: 'r1' }],
  ]);
  const proxied = Object.entries(api).flatMap(([s, methods]) => Object.keys(methods).map((m) => `${s}.${m}`));
  assert.deepEqual(proxied.sort(), [...METHOD_NAMES].sort());
});

test('a bound service checks input for in-process callers too, and refuses names that are not declared methods', async () => {
  const ws = workspace();
  const bound = fromService(createHost({ dataDir: ws.dataDir, env: {} }).handlers);
  const empty = await bound.api.templates.open({ path: '' });
  assert.ok(!empty.ok && empty.error.code === 'invalid-input' && empty.error.field === 'path', JSON.stringify(empty));
  for (const name of ['templates', 'templates.', '.open', 'templates.toString', '__proto__.open', 'constructor.name']) {
    const r = await bound.call(name, {});
    assert.ok(!r.ok && r.error.code === 'not-found', `${name}: ${JSON.stringify(r)}`);
  }
  assert.deepEqual(await bound.call('workspace.recentFiles', undefined), { ok: true, value: [] });
});

test('an exception in the implementation reaches the caller as an internal failure naming the method', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const failing: ContractApi = {
    ...host.handlers,
    workspace: {
      ...host.handlers.workspace,
      recentFiles: async () => {
        throw new Error('disk gone');
      },
    },
  };
  const r = await fromService(failing).api.workspace.recentFiles({});
  assert.deepEqual(r, { ok: false, error: { code: 'internal', message: 'workspace.recentFiles failed: disk gone', field: undefined } });
});
