import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { builtinPlugins } from '../../core/engine/builtin-plugins';
import { build, collect, postProcessor, tempDir } from '../engine/helpers';

const artifice = (files: string[]) => postProcessor('artifice', { files });

async function runIn(dir: string, chains: ReturnType<typeof postProcessor>[][], extra = {}) {
  return collect({ builds: [build('null', { postProcessors: chains })], registry: builtinPlugins(), cwd: dir, ...extra });
}

test('manifest appends a record per run; -force starts the file afresh', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.txt'), 'abc');
  const chain = [artifice(['a.txt']), postProcessor('manifest', { output: 'm.json' })];
  const first = await runIn(dir, [chain]);
  const second = await runIn(dir, [chain]);
  const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
  assert.deepEqual(m.builds.map((b: { packer_run_uuid: string }) => b.packer_run_uuid), [first.summary.runId, second.summary.runId]);
  assert.equal(m.last_run_uuid, second.summary.runId);
  assert.deepEqual(m.builds[0].files, [{ name: 'a.txt', size: 3 }]);
  const forced = await runIn(dir, [chain], { force: true });
  const after = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
  assert.deepEqual(after.builds.map((b: { packer_run_uuid: string }) => b.packer_run_uuid), [forced.summary.runId]);
});

test('checksum rejects an unknown type before the build starts', async () => {
  const { summary } = await runIn(tempDir(), [[postProcessor('checksum', { checksum_types: ['crc99'] })]]);
  assert.match(summary.prepareErrors[0].error, /Unrecognized checksum type: crc99/);
});

test('compress gzips a single file (.gz) and refuses several', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.txt'), 'hello gz\n');
  writeFileSync(join(dir, 'b.txt'), 'b');
  const { summary } = await runIn(dir, [[artifice(['a.txt']), postProcessor('compress', { output: 'a.gz', compression_level: 9, keep_input_artifact: true })]]);
  assert.equal(summary.builds[0].result, 'succeeded');
  assert.equal(gunzipSync(readFileSync(join(dir, 'a.gz'))).toString(), 'hello gz\n');
  const two = await runIn(dir, [[artifice(['a.txt', 'b.txt']), postProcessor('compress', { output: 'ab.gz' })]]);
  assert.match(two.summary.builds[0].error ?? '', /Can only have 1 input file when not using tar\/zip. Found 2 files: \[a.txt b.txt\]/);
});

test('compress refuses formats it cannot write yet, naming them', async () => {
  const { summary } = await runIn(tempDir(), [[postProcessor('compress', { output: 'x.tar.xz' })]]);
  assert.match(summary.prepareErrors[0].error, /xz compression is not supported by Bakehouse yet/);
});

test('compress writes LZ4 frames that the real lz4 tool reads back (.lz4 and .tar.lz4)', async () => {
  const dir = tempDir();
  const text = Array.from({ length: 5000 }, (_, i) => `line ${i % 50} of an image build log`).join('\n');
  writeFileSync(join(dir, 'a.txt'), text);
  const one = await runIn(dir, [[artifice(['a.txt']), postProcessor('compress', { output: 'a.lz4' }, { keepInputArtifact: true })]]);
  assert.equal(one.summary.builds[0].result, 'succeeded', one.summary.builds[0].error);
  const lz4 = spawnSync('lz4', ['-d', '-c', join(dir, 'a.lz4')], { maxBuffer: 1 << 26 });
  assert.ok(!lz4.error, `the lz4 tool is needed to check the output (apt-get install lz4): ${lz4.error?.message}`);
  assert.equal(lz4.status, 0, lz4.stderr?.toString());
  assert.equal(lz4.stdout.toString(), text);
  assert.ok(readFileSync(join(dir, 'a.lz4')).length < text.length / 4, 'repetitive text shrinks');
  const tarred = await runIn(dir, [[artifice(['a.txt']), postProcessor('compress', { output: 'a.tar.lz4' })]]);
  assert.equal(tarred.summary.builds[0].result, 'succeeded', tarred.summary.builds[0].error);
  const list = spawnSync('sh', ['-c', `lz4 -d -c a.tar.lz4 | tar -tf -`], { cwd: dir, encoding: 'utf8' });
  assert.equal(list.stdout.trim(), 'a.txt');
});

test('an input artifact not kept is destroyed: compress deletes the files artifice handed it', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.txt'), 'data');
  const { summary } = await runIn(dir, [[artifice(['a.txt']), postProcessor('compress', { output: 'a.tar.gz' })]]);
  assert.equal(summary.builds[0].result, 'succeeded');
  assert.equal(existsSync(join(dir, 'a.txt')), false);
  assert.equal(existsSync(join(dir, 'a.tar.gz')), true);
  // artifice keeps its input by default, so the builder's artifact stays too (as in Packer).
  assert.deepEqual(summary.builds[0].artifacts.map((a) => a.text), ['Did not export anything. This is the null builder', 'compressed artifacts in: a.tar.gz']);
});

test('artifice needs files', async () => {
  const { summary } = await runIn(tempDir(), [[postProcessor('artifice', {})]]);
  assert.match(summary.prepareErrors[0].error, /No files specified in artifice configuration/);
});

test('shell-local post-processor runs in the build folder with the build name and a "build (type)" label', async () => {
  const dir = tempDir();
  const { events } = await runIn(dir, [[postProcessor('shell-local', { inline: ['echo "$PACKER_BUILD_NAME" > who.txt', 'echo done'] })]]);
  assert.equal(readFileSync(join(dir, 'who.txt'), 'utf8'), 'null\n');
  const out = events.find((e) => e.kind === 'output');
  assert.ok(out && out.kind === 'output' && out.component === 'null (shell-local)' && out.line === 'done');
});

test('parallel builds appending to one manifest keep every record', async () => {
  const dir = tempDir();
  const chain = [postProcessor('manifest', { output: 'm.json' })];
  const names = ['a', 'b', 'c', 'd'];
  const { summary } = await collect({ builds: names.map((n) => build(n, { postProcessors: [chain] })), registry: builtinPlugins(), cwd: dir });
  assert.ok(summary.builds.every((b) => b.result === 'succeeded'));
  const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
  assert.deepEqual(m.builds.map((b: { name: string }) => b.name).sort(), names);
});
