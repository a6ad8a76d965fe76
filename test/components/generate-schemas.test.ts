/** scripts/generate-schemas.ts turns a plugin's `*.hcl2spec.go` and its registrations into schema data, and stops on a form it does not know. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GeneratedPlugin } from '../../core/components/generated/types';
import { TSX_LOADER } from '../support/tsx';

const ROOT = resolve(__dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/schemagen');

function generate(out: string, plugin: string): { status: number | null; stdout: string; stderr: string } {
  const args = ['--import', TSX_LOADER, 'scripts/generate-schemas.ts', '--versions', join(FIXTURE, 'versions.json'), '--modcache', join(FIXTURE, 'modcache'), '--out', out, plugin];
  return spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
}

test('a plugin module becomes one data file: registered names, cty types, docs tags, nested and shared blocks, config from the SDK', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'schemagen-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const run = generate(out, 'demo');
  assert.equal(run.status, 0, run.stderr);
  const text = readFileSync(join(out, 'demo.ts'), 'utf8');
  assert.match(text, /^\/\/ Generated from example\.com\/packer-plugin-demo v0\.1\.0 .*example\.com\/packer-plugin-sdk v0\.0\.1/);
  assert.match(text, /node --import tsx scripts\/generate-schemas\.ts demo/);

  const { demoPlugin } = (await import(pathToFileURL(join(out, 'demo.ts')).href)) as { demoPlugin: GeneratedPlugin };
  assert.deepEqual(
    demoPlugin.components.map((c) => `${c.kind} ${c.type} ${c.source}`),
    [
      'builder demo example.com/packer-plugin-demo/builder/demo.FlatConfig',
      'data demo-lookup example.com/packer-plugin-demo/datasource/lookup.FlatConfig',
      'post-processor demo-upload example.com/packer-plugin-sdk/upload.FlatConfig',
    ],
  );
  assert.deepEqual(demoPlugin.components[0]!.fields, [
    { name: 'image', type: 'string', required: true, requiredInDocs: true },
    { name: 'cpus', type: 'number' },
    { name: 'headless', type: 'bool', undocumented: true },
    { name: 'labels', type: { map: 'string' } },
    { name: 'args', type: { list: { list: 'string' } } },
    { name: 'disk', type: 'any', requiredInDocs: true, block: { repeated: true, fields: [{ name: 'size', type: 'number' }] } },
    { name: 'network', type: 'any', block: { repeated: false, fields: [{ name: 'ports', type: { list: 'number' } }] } },
    { name: 'tag', type: 'any', block: { repeated: true, fields: [{ name: 'key', type: 'string' }, { name: 'value', type: 'string' }] } },
  ]);

  // Deterministic: a second run writes the same bytes.
  assert.equal(generate(out, 'demo').status, 0);
  assert.equal(readFileSync(join(out, 'demo.ts'), 'utf8'), text);
});

test('a spec entry in an unknown form stops the generator with its file and line', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'schemagen-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const run = generate(out, 'broken');
  assert.equal(run.status, 1);
  assert.match(run.stderr, /packer-plugin-broken@v0\.1\.0\/builder\/broken\/config\.hcl2spec\.go:12: a spec entry in a form the generator does not know: "env": &hcldec\.BlockAttrsSpec/);
});
