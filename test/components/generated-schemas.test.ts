/**
 * The schema data generated from the plugins' own `*.hcl2spec.go` (core/components/generated/) is well-formed, comes from
 * the pinned versions, and covers every component Bakehouse registers. The registry serves them, enriched by the
 * hand-written schemas (core/components/merged-schema.ts); what the hand-written ones lacked or had in excess is reported
 * (docs/schema-differences.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GENERATED_PLUGINS } from '../../core/components/generated/index';
import type { GeneratedField } from '../../core/components/generated/types';
import { allSchemas, getSchema, handWrittenSchemas } from '../../core/components/registry';
import type { FieldType } from '../../core/components/schema';
import { findGenerated, renderDifferencesReport, schemaDifferences } from '../../scripts/schema-differences';

const ROOT = resolve(__dirname, '../..');

interface Pins {
  plugins: Array<{ name: string; module: string; version: string }>;
}

function isFieldType(t: FieldType): boolean {
  if (typeof t === 'string') return ['string', 'number', 'bool', 'any'].includes(t);
  if ('list' in t) return isFieldType(t.list);
  if ('map' in t) return isFieldType(t.map);
  return false;
}

function checkFields(fields: readonly GeneratedField[], where: string): void {
  const seen = new Set<string>();
  for (const f of fields) {
    const path = `${where}.${f.name}`;
    // AWS policy documents spell Version, Statement, …; googlecompute's block devices keep a field tagged `_` (Go's "not settable").
    assert.match(f.name, /^(?:[A-Za-z][A-Za-z0-9_]*|_)$/, path);
    assert.ok(!seen.has(f.name), `${path} declared twice`);
    seen.add(f.name);
    assert.ok(isFieldType(f.type), `${path}: type ${JSON.stringify(f.type)}`);
    if (f.block) {
      assert.equal(f.type, 'any', `${path}: a block's type`);
      assert.ok(f.block.fields.length > 0, `${path}: empty block`);
      checkFields(f.block.fields, path);
    }
  }
}

test('every pinned plugin has its generated file, at the pinned module and version', () => {
  const pins = JSON.parse(readFileSync(join(ROOT, 'scripts/plugin-versions.json'), 'utf8')) as Pins;
  const generated = GENERATED_PLUGINS.map((p) => `${p.name} ${p.module} ${p.version}`).sort();
  assert.deepEqual(generated, pins.plugins.map((p) => `${p.name} ${p.module} ${p.version}`).sort());
  for (const plugin of GENERATED_PLUGINS) {
    const header = readFileSync(join(ROOT, 'core/components/generated', `${plugin.name}.ts`), 'utf8').split('\n', 2).join('\n');
    assert.ok(header.includes(`${plugin.module} ${plugin.version}`), `${plugin.name}: header names the source`);
    assert.ok(header.includes('scripts/generate-schemas.ts'), `${plugin.name}: header names the command`);
  }
});

test('generated components are unique by kind and type, each with well-formed fields', () => {
  const seen = new Set<string>();
  for (const plugin of GENERATED_PLUGINS) {
    for (const c of plugin.components) {
      const id = `${c.kind} ${c.type}`;
      assert.ok(!seen.has(id), `${id} generated twice`);
      seen.add(id);
      assert.ok(c.fields.length > 0, `${id} has no fields`);
      assert.ok(c.source.startsWith('github.com/'), `${id}: source ${c.source}`);
      checkFields(c.fields, id);
    }
  }
});

test('every component Bakehouse registers has a generated spec, but its own ones, which Packer does not have', () => {
  const missing = allSchemas()
    .filter((s) => !s.bakehouseOnly && !findGenerated(s.kind, s.type))
    .map((s) => `${s.kind} ${s.type}`);
  assert.deepEqual(missing, []);
  const own = allSchemas().filter((s) => s.bakehouseOnly);
  assert.deepEqual(own.map((s) => `${s.kind} ${s.type}`), ['post-processor upload']);
  for (const s of own) {
    assert.equal(findGenerated(s.kind, s.type), undefined, `${s.type} is Bakehouse's own, yet a plugin declares it`);
    assert.match(s.description, /Packer has no equivalent/, `${s.type}: its description says it is Bakehouse's own`);
  }
});

test('the generated specs have the fields issue 10 found missing from Packer 1.6.6', () => {
  const has = (kind: 'builder', type: string, path: string[]): boolean => {
    let fields = findGenerated(kind, type)?.component.fields ?? [];
    let found: GeneratedField | undefined;
    for (const name of path) {
      found = fields.find((f) => f.name === name);
      fields = found?.block?.fields ?? [];
    }
    return found !== undefined;
  };
  for (const name of ['metadata_options', 'imds_support']) assert.ok(has('builder', 'amazon-ebs', [name]), `amazon-ebs ${name}`);
  assert.ok(has('builder', 'amazon-ebs', ['launch_block_device_mappings', 'throughput']), 'amazon-ebs launch_block_device_mappings.throughput');
  for (const name of ['boot_steps', 'cpu_model', 'efi_boot', 'efi_firmware_code', 'efi_firmware_vars']) assert.ok(has('builder', 'qemu', [name]), `qemu ${name}`);
  for (const name of ['hard_drive_interface', 'iso_interface']) assert.ok(has('builder', 'virtualbox-iso', [name]), `virtualbox-iso ${name}`);
});

test('the differences name real fields: only-in-plugin ones are in the spec and not ours, and the reverse', () => {
  const diffs = schemaDifferences();
  assert.equal(diffs.length, handWrittenSchemas().length);
  const pathsOf = (fields: readonly { name: string; block?: { fields: readonly { name: string }[] } }[], prefix = ''): string[] =>
    fields.flatMap((f) => [prefix + f.name, ...(f.block ? pathsOf(f.block.fields, `${prefix}${f.name}.`) : [])]);
  for (const d of diffs.filter((x) => x.from !== undefined)) {
    const ours = new Set(pathsOf(handWrittenSchemas().find((s) => s.kind === d.kind && s.type === d.type)!.fields));
    const theirs = new Set(pathsOf(findGenerated(d.kind, d.type)!.component.fields));
    for (const p of d.onlyPlugin) assert.ok(theirs.has(p) && !ours.has(p), `${d.type}: ${p}`);
    for (const p of d.onlyOurs) assert.ok(ours.has(p) && !theirs.has(p), `${d.type}: ${p}`);
    for (const p of d.undocumented) assert.ok(d.onlyPlugin.includes(p), `${d.type}: ${p}`);
    for (const entry of d.otherType) {
      const p = entry.slice(0, entry.indexOf(':'));
      assert.ok(ours.has(p) && theirs.has(p), `${d.type}: ${entry}`);
    }
  }
  const report = renderDifferencesReport();
  for (const d of diffs) assert.ok(report.includes(`## ${d.kind} \`${d.type}\``), `report section for ${d.type}`);
});

test('only the component registry and the data sources import the generated schemas; the registry only the plugins Bakehouse implements', () => {
  const importers: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(ROOT, 'core/components/generated')) visit(path);
      } else if (/\.(?:tsx?|m?js)$/.test(entry.name) && /from '[^']*\/generated(?:\/(?!types')[a-z]+)?'/.test(readFileSync(path, 'utf8'))) {
        importers.push(path.slice(ROOT.length + 1));
      }
    }
  };
  for (const layer of ['core', 'main', 'preload', 'renderer', 'bin']) visit(join(ROOT, layer));
  assert.deepEqual(importers.sort(), ['core/components/registry.ts', 'core/datasources/schema.ts']);
  // Every generated plugin now has a component Bakehouse implements; only the index stays out of the bundle.
  const registry = readFileSync(join(ROOT, 'core/components/registry.ts'), 'utf8');
  assert.doesNotMatch(registry, /generated\/index'/);
});

test('the served schema has exactly the plugin\'s fields (but Packer\'s own packer_*), plus legacy-JSON-only ones', () => {
  const paths = (fields: readonly { name: string; block?: { fields: readonly { name: string }[] } }[], prefix = ''): string[] =>
    fields.flatMap((f) => [prefix + f.name, ...(f.block ? paths(f.block.fields, `${prefix}${f.name}.`) : [])]);
  for (const schema of allSchemas().filter((s) => !s.bakehouseOnly)) {
    const generated = findGenerated(schema.kind, schema.type)!.component;
    const theirs = paths(generated.fields.filter((f) => !f.name.startsWith('packer_')));
    const legacyOnly = schema.fields.filter((f) => f.legacyJsonOnly).map((f) => f.name);
    assert.deepEqual(paths(schema.fields).filter((p) => !legacyOnly.includes(p)).sort(), theirs.sort(), `${schema.kind} ${schema.type}`);
  }
  assert.deepEqual(getSchema('provisioner', 'chef-solo')?.fields.filter((f) => f.legacyJsonOnly).map((f) => f.name), ['json']);
});
