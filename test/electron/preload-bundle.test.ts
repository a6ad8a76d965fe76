import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { build, type BuildOptions } from 'esbuild';
import { refusePackages } from '../../scripts/bundle-guard.mjs';

const REPO = resolve(__dirname, '../..');
const bundle = (entry: string, extra: BuildOptions = {}) =>
  build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', external: ['electron'], write: false, metafile: true, logLevel: 'silent', absWorkingDir: REPO, ...extra });

test('the preload bundle carries the contract proxy but not zod', async () => {
  const r = await bundle(join(REPO, 'preload/index.ts'), { plugins: [refusePackages(['zod'], 'preload.js')] });
  assert.ok(r.metafile && r.outputFiles);
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.some((f) => f.endsWith('core/contract/channel.ts')), inputs.join('\n'));
  assert.ok(!inputs.some((f) => /node_modules[\\/]zod[\\/]/.test(f) || f.endsWith('core/contract/inputs.ts')), inputs.join('\n'));
  assert.doesNotMatch(r.outputFiles[0].text, /ZodError|safeParse/);
});

test('a preload that reached the schemas would fail the build, naming the file that imported zod', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-preload-'));
  const entry = join(dir, 'preload.ts');
  writeFileSync(entry, `import { fromService } from ${JSON.stringify(join(REPO, 'core/contract/bind'))};\nconsole.log(fromService);\n`);
  await assert.rejects(bundle(entry, { plugins: [refusePackages(['zod'], 'preload.js')] }), (e: Error) => {
    assert.match(e.message, /zod must not be bundled into preload\.js: imported by core\/contract\/inputs\.ts/);
    return true;
  });
});
