/**
 * The packaged app carries every package its main bundle leaves external (native modules loaded by package name at run
 * time): electron-builder.yml excludes node_modules as a whole, so each one must be listed back, and .node binaries
 * unpacked from the asar archive. (electron-builder itself cannot run here: it downloads Electron.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

test('every npm package the Electron bundle leaves external is packaged, its binaries outside the asar', () => {
  const script = readFileSync(join(ROOT, 'scripts', 'build-electron.mjs'), 'utf8');
  const externals = [...(/external: \[([^\]]*)\]/.exec(script)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
  assert.ok(externals.length > 0);
  // electron is the runtime; cpu-features and ssh2's crypto binding are optional speed-ups ssh2 does without.
  const packages = externals.filter((e) => !['electron', 'cpu-features'].includes(e) && !e.startsWith('.'));
  const yml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  for (const p of packages) assert.ok(yml.includes(`- node_modules/${p}/**`), `electron-builder.yml packages ${p}`);
  assert.match(yml, /asarUnpack:\n\s+- "\*\*\/\*\.node"/);
});
