import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vagrantPostProcessor } from '../../../core/post-processors/vagrant/post-processor';
import type { Ui } from '../../../core/engine/plugin';
import { config } from '../../engine/helpers';
import { listTar } from '../../images/disks';

const PACKER = '/usr/bin/packer';

test('the same box as Packer 1.6.6: entry order, Vagrantfile and metadata.json byte for byte', { skip: existsSync(PACKER) || process.env.CI ? false : 'Packer 1.6.6 is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-vagrant-compare-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const side of ['packer', 'bakehouse']) {
    mkdirSync(join(dir, side));
    writeFileSync(join(dir, side, 'info.json'), '{"author":"me"}\n');
    writeFileSync(join(dir, side, 'Vagrantfile.tpl'), 'config.vm.hostname = "{{ .BuildName }}-{{ .Provider }}"\n');
  }
  const pp = { type: 'vagrant', provider_override: 'docker', include: ['info.json'], vagrantfile_template: 'Vagrantfile.tpl', compression_level: 0 };
  writeFileSync(
    join(dir, 'packer', 't.json'),
    JSON.stringify({ builders: [{ type: 'null', communicator: 'none' }], 'post-processors': [[{ type: 'artifice', files: ['info.json'], keep_input_artifact: true }, pp]] }),
  );
  execFileSync(PACKER, ['build', '-color=false', 't.json'], { cwd: join(dir, 'packer'), env: { ...process.env, CHECKPOINT_DISABLE: '1' }, stdio: 'pipe' });

  const cwd = join(dir, 'bakehouse');
  const build = { name: 'null', displayName: 'null', hcl2: false, builderType: 'null', runId: 'r', env: {}, cwd, force: false };
  const prepared = vagrantPostProcessor.prepare(config(pp), build);
  assert.ok(prepared.ok);
  const ui: Ui = { say: () => undefined, message: () => undefined, error: () => undefined, output: () => undefined, log: () => undefined, ask: async () => 'cleanup' };
  const input = { id: '', builderId: 'packer.post-processor.artifice', files: ['info.json'], text: '', state: {} };
  const r = await prepared.value.postProcess({ ui, mask: (s) => s, signal: new AbortController().signal, build, generated: {} }, input);
  assert.ok(r.ok, r.ok ? '' : r.error);

  const theirs = await listTar(join(dir, 'packer', 'packer_null_docker.box'));
  const ours = await listTar(join(cwd, 'packer_null_docker.box'));
  assert.deepEqual(ours.map((e) => [e.name, e.content.toString()]), theirs.map((e) => [e.name, e.content.toString()]));
});
