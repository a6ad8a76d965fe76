/**
 * The packaged app carries every package its main bundle leaves external (native modules loaded by package name at run
 * time; Google's Compute and auth libraries, with everything they depend on): electron-builder.yml excludes node_modules
 * as a whole, so each one must be listed back, and .node binaries unpacked from the asar archive. (electron-builder
 * itself cannot run here: it downloads Electron.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_BUNDLE } from '../../scripts/bundle-options.mjs';
import { EXTERNALS, LAZY_PACKAGES, dependencyFolders } from '../../scripts/externals.mjs';

const ROOT = join(__dirname, '..', '..');
const yml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');

test('the CLI and the Electron main bundle are built with the same options, externals included', () => {
  assert.equal(NODE_BUNDLE.external, EXTERNALS);
  for (const script of ['build.mjs', 'build-electron.mjs']) {
    assert.match(readFileSync(join(ROOT, 'scripts', script), 'utf8'), /await build\(\{ \.\.\.NODE_BUNDLE, entryPoints: /, script);
  }
});

test('every npm package the Electron bundle leaves external is packaged, its binaries outside the asar', () => {
  // electron is the runtime; cpu-features and ssh2's crypto binding are optional speed-ups ssh2 does without.
  const packages = EXTERNALS.filter((e) => !['electron', 'cpu-features'].includes(e) && !e.startsWith('.'));
  assert.ok(packages.includes('better-sqlite3') && packages.includes('@google-cloud/compute'), packages.join(' '));
  for (const p of packages) assert.ok(yml.includes(`- node_modules/${p}/**`), `electron-builder.yml packages ${p}`);
  assert.match(yml, /asarUnpack:\n\s+- "\*\*\/\*\.node"/);
});

test('the Google libraries travel with every package they depend on (node scripts/package-externals.mjs lists them)', () => {
  const folders = dependencyFolders(ROOT, LAZY_PACKAGES);
  // The tree as installed: google-gax, its protobufjs and gRPC, gaxios, and their own dependencies.
  for (const f of ['node_modules/google-gax', 'node_modules/protobufjs', 'node_modules/@grpc/grpc-js', 'node_modules/gaxios']) assert.ok(folders.includes(f), f);
  const missing = folders.filter((f) => !yml.includes(`\n  - ${f}/**\n`));
  assert.deepEqual(missing, [], 'electron-builder.yml lacks them: run node scripts/package-externals.mjs');
});

test('the main bundle requires the Google libraries from node_modules instead of carrying them, with require(), not import()', () => {
  const main = join(ROOT, 'dist/electron/main.js');
  assert.ok(existsSync(main), 'dist/electron/main.js is missing: run `npm run build` first');
  const text = readFileSync(main, 'utf8');
  for (const p of LAZY_PACKAGES) {
    assert.ok(text.includes(`require("${p}")`), `main.js requires ${p}`);
    assert.ok(!text.includes(`import("${p}")`), `main.js does not import() ${p}`);
  }
  assert.ok(!text.includes('google-gax'), 'no Google library code in main.js');
});
