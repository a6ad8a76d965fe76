import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinPlugins } from '../../core/engine/builtin-plugins';
import { build, collect, provisioner, tempDir } from './helpers';

/** Running, not merely a zombie waiting for a container's init to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

test('cancelling during a shell-local provisioner kills the whole process tree and removes its temp script', async () => {
  const dir = tempDir();
  const pids = join(dir, 'pids');
  const script = join(dir, 'script');
  const { summary } = await collect(
    {
      builds: [build('null', { provisioners: [provisioner('shell-local', { inline: [`echo $0 > ${script}`, `sleep 30 & echo $! >> ${pids}`, `echo $$ >> ${pids}`, 'echo ready', 'wait'] })] })],
      registry: builtinPlugins(),
    },
    (e, run) => {
      if (e.kind === 'output' && e.line === 'ready') run.cancel();
    },
  );
  assert.equal(summary.builds[0].result, 'cancelled');
  const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
  assert.equal(started.length, 2);
  await new Promise((r) => setTimeout(r, 100));
  for (const pid of started) assert.equal(alive(pid), false, `process ${pid} is gone`);
  const path = readFileSync(script, 'utf8').trim();
  assert.match(path, /packer-shell\d+$/);
  assert.equal(existsSync(path), false, 'temp script removed');
});
