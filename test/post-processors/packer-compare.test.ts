/**
 * Runs one legacy JSON template through Debian's Packer 1.6.6 and through Bakehouse, in two fresh folders,
 * and compares what the manifest, checksum and compress post-processors wrote. Skipped where packer is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { builtinPlugins } from '../../core/engine/builtin-plugins';
import { createRun } from '../../core/engine/engine';
import type { ArtifactSummary } from '../../core/engine/events';
import { loadTemplate } from '../../core/template/load';

const PACKER = '/usr/bin/packer';
const skip = !existsSync(PACKER) && 'packer 1.6.6 is not installed';

const TEMPLATE = {
  builders: [{ type: 'null', communicator: 'none' }],
  'post-processors': [
    [
      { type: 'shell-local', inline: ["mkdir -p in; printf 'hello\\n' > in/a.txt; printf 'bbb' > in/b.txt; chmod 640 in/b.txt"] },
      { type: 'artifice', files: ['in/a.txt', 'in/b.txt'] },
      { type: 'checksum', checksum_types: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], output: 'sums/{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum' },
      { type: 'manifest', output: 'stripped.json', strip_path: true, custom_data: { k: 'v', html: '<b>&' } },
    ],
    [{ type: 'artifice', files: ['in/a.txt', 'in/b.txt'] }, { type: 'checksum' }],
    [{ type: 'artifice', files: ['in/a.txt', 'in/b.txt'] }, { type: 'compress', output: 'o.tar.gz', keep_input_artifact: true }],
    [{ type: 'artifice', files: ['in/a.txt', 'in/b.txt'] }, { type: 'compress', output: 'o.zip', keep_input_artifact: true }],
    [{ type: 'artifice', files: ['in/a.txt', 'in/b.txt'] }, { type: 'compress', output: 'o.tar', keep_input_artifact: true }, { type: 'manifest', output: 'full.json' }],
  ],
};

interface Outputs {
  dir: string;
  artifacts: Array<Omit<ArtifactSummary, 'state'>>;
}

function runPacker(): Outputs {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-packer-'));
  writeFileSync(join(dir, 't.json'), JSON.stringify(TEMPLATE));
  const r = spawnSync(PACKER, ['build', '-machine-readable', 't.json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const artifacts: Outputs['artifacts'] = [];
  for (const line of r.stdout.split('\n')) {
    const [, target, type, index, key, ...rest] = line.split(',');
    if (target !== 'null' || type !== 'artifact') continue;
    const i = Number(index);
    artifacts[i] ??= { id: '', builderId: '', files: [], text: '' };
    const value = rest.join(',').replace(/%!\(PACKER_COMMA\)/g, ',');
    if (key === 'builder-id') artifacts[i].builderId = value;
    else if (key === 'id') artifacts[i].id = value;
    else if (key === 'string') artifacts[i].text = value;
    else if (key === 'file') artifacts[i].files.push(rest.slice(1).join(','));
  }
  return { dir, artifacts };
}

async function runBakehouse(): Promise<Outputs> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-ours-'));
  writeFileSync(join(dir, 't.json'), JSON.stringify(TEMPLATE));
  const loaded = loadTemplate(join(dir, 't.json'), { cwd: dir, env: {} });
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
  const run = createRun({ builds: loaded.model!.builds.flatMap((b) => b.builds), registry: builtinPlugins(), cwd: dir, dataDir: false });
  const summary = await run.start();
  assert.equal(summary.builds[0].result, 'succeeded', summary.builds[0].error);
  return { dir, artifacts: summary.builds[0].artifacts.map(({ id, builderId, files, text }) => ({ id, builderId, files, text })) };
}

interface TarEntry {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  uname: string;
  data: string;
}

function tarEntries(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  for (let at = 0; at + 512 <= buf.length; ) {
    const h = buf.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const field = (from: number, len: number) => h.toString('utf8', from, from + len).replace(/\0.*$/s, '').trim();
    const size = parseInt(field(124, 12), 8);
    out.push({
      name: field(0, 100),
      mode: parseInt(field(100, 8), 8),
      size,
      mtime: parseInt(field(136, 12), 8),
      uname: field(265, 32),
      data: buf.toString('utf8', at + 512, at + 512 + size),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

function withoutRunFacts(manifest: string): unknown {
  const m = JSON.parse(manifest);
  for (const b of m.builds) {
    b.build_time = 0;
    b.packer_run_uuid = '';
  }
  m.last_run_uuid = '';
  return m;
}

test('manifest, checksum and compress write what Packer 1.6.6 writes', { skip }, async () => {
  const packer = runPacker();
  const ours = await runBakehouse();

  // The artifacts each build reports, in order.
  assert.deepEqual(ours.artifacts, packer.artifacts);

  // Checksum files: byte for byte, both the custom output path and the default one.
  const sums = readdirSync(join(packer.dir, 'sums')).sort();
  assert.equal(sums.length, 6);
  assert.deepEqual(readdirSync(join(ours.dir, 'sums')).sort(), sums);
  for (const f of sums) assert.equal(readFileSync(join(ours.dir, 'sums', f), 'utf8'), readFileSync(join(packer.dir, 'sums', f), 'utf8'), f);
  assert.equal(readFileSync(join(ours.dir, 'packer_null_null_md5.checksum'), 'utf8'), readFileSync(join(packer.dir, 'packer_null_null_md5.checksum'), 'utf8'));

  // Manifests: same JSON text apart from the run's time and id (Go's indentation and HTML escaping included).
  for (const m of ['stripped.json', 'full.json']) {
    const theirs = readFileSync(join(packer.dir, m), 'utf8');
    const mine = readFileSync(join(ours.dir, m), 'utf8');
    assert.deepEqual(withoutRunFacts(mine), withoutRunFacts(theirs), m);
    const normalise = (s: string) => s.replace(/"build_time": \d+/g, '"build_time": 0').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID');
    assert.equal(normalise(mine), normalise(theirs), `${m} text`);
  }

  // Archives: same entries (names, modes, sizes, times, owners, contents); the compressed bytes differ by codec.
  const tar = (dir: string) => tarEntries(readFileSync(join(dir, 'o.tar')));
  assert.deepEqual(tar(ours.dir), tar(packer.dir));
  const tgz = (dir: string) => tarEntries(gunzipSync(readFileSync(join(dir, 'o.tar.gz'))));
  assert.deepEqual(tgz(ours.dir), tgz(packer.dir));
  assert.deepEqual(tgz(ours.dir), tar(packer.dir));
  const unzip = (dir: string, ...args: string[]) => spawnSync('unzip', args, { cwd: dir, encoding: 'utf8' }).stdout;
  assert.equal(unzip(ours.dir, '-Z1', 'o.zip'), unzip(packer.dir, '-Z1', 'o.zip'));
  assert.equal(unzip(ours.dir, '-p', 'o.zip', 'in/a.txt'), 'hello\n');
  assert.equal(unzip(ours.dir, '-p', 'o.zip', 'in/b.txt'), unzip(packer.dir, '-p', 'o.zip', 'in/b.txt'));
  assert.equal(spawnSync('unzip', ['-t', 'o.zip'], { cwd: ours.dir }).status, 0);
});
