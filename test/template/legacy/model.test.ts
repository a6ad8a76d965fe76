import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadLegacyTemplateText } from '../../../core/template/legacy/load';
import type { LoadOptions, PlannedBuild, TemplateModel } from '../../../core/template/model';
import { toPlain, type Plain, type Value } from '../../../core/template/values/value';

function load(template: unknown, opts: LoadOptions = {}, filename = 'template.json'): TemplateModel {
  const text = typeof template === 'string' ? template : JSON.stringify(template, null, 2);
  const r = loadLegacyTemplateText(text, filename, { env: {}, ...opts });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'no errors');
  assert.ok(r.model);
  return r.model;
}

function plain(values: Record<string, Value>): Record<string, Plain> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toPlain(v)]));
}

function builds(m: TemplateModel): PlannedBuild[] {
  return m.builds[0].builds;
}

const NULL_BUILDER = { type: 'null', communicator: 'none' };
const EBS = { type: 'amazon-ebs', region: 'us-east-1', source_ami: 'ami-1', instance_type: 't2.micro', ssh_username: 'ubuntu', ami_name: 'img' };

test('the seed example loads: amazon-ebs + shell + compress with user variables and one timestamp', () => {
  const file = join(__dirname, '..', '..', 'fixtures', 'legacy', 'seed-example.json');
  const m = load(readFileSync(file, 'utf8'), { vars: [['aws_access_key', 'AKIA1'], ['aws_secret_key', 'S3CRET']] }, file);
  assert.equal(m.format, 'json');
  assert.equal(m.root, dirname(file));
  const [b] = builds(m);
  assert.equal(b.name, 'amazon-ebs');
  assert.equal(b.type, 'amazon-ebs');
  const cfg = plain(b.builder.values);
  assert.equal(cfg.region, 'us-east-1');
  assert.equal(cfg.secret_key, 'S3CRET');
  assert.equal(cfg.instance_type, 't2.micro');
  const stamp = /^packer-example (\d+)$/.exec(String(cfg.ami_name))?.[1];
  assert.ok(stamp, 'timestamp is Unix seconds');
  assert.deepEqual(b.provisioners.map((p) => [p.type, plain(p.config.values)]), [['shell', { inline: ['sleep 30', 'echo us-east-1'] }]]);
  assert.equal(b.postProcessors.length, 1);
  assert.equal(b.postProcessors[0][0].type, 'compress');
  assert.equal(toPlain(b.postProcessors[0][0].config.values.output), `out/amazon-ebs-${stamp}.tar.gz`, 'one timestamp per load');
  assert.equal(b.builder.values.secret_key.sensitive, true);
  assert.deepEqual(m.sensitiveStrings, ['S3CRET']);
  assert.equal(m.sources[0].range.start.line, 9);
});

test('variable values: default < -var-file (later file wins) < -var (last wins)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'legacy-'));
  writeFileSync(join(dir, 'a.json'), '{"a": "file-a", "b": "file-a", "c": "file-a"}');
  writeFileSync(join(dir, 'b.json'), '{"b": "file-b", "c": "file-b"}');
  const m = load(
    { variables: { a: 'def', b: 'def', c: 'def', d: 'def' }, builders: [NULL_BUILDER] },
    { varFiles: [join(dir, 'a.json'), join(dir, 'b.json')], vars: [['c', 'cli-1'], ['c', 'cli-2']] },
  );
  const got = Object.fromEntries(m.variables.map((v) => [v.name, [toPlain(v.value), v.valueSource]]));
  assert.deepEqual(got, { a: ['file-a', 'var-file'], b: ['file-b', 'var-file'], c: ['cli-2', 'cli'], d: ['def', 'default'] });
});

test('variables may read the environment and each other, in any order', () => {
  const m = load(
    { variables: { full: '{{user `base`}}/{{user `leaf`}}', base: '{{env `ROOT_DIR`}}', leaf: 'x' }, builders: [{ ...NULL_BUILDER, name: '{{user `leaf`}}-b' }] },
    { env: { ROOT_DIR: '/srv' } },
  );
  assert.equal(toPlain(m.variables.find((v) => v.name === 'full')!.value), '/srv/x');
  assert.equal(builds(m)[0].name, 'x-b', 'builder names are interpolated');
});

test('builders: name defaults to type, builds are sorted by name and named after their builder', () => {
  const m = load({ builders: [{ type: 'docker', image: 'b', commit: true }, { type: 'docker', name: 'alpine', image: 'a', commit: true }, NULL_BUILDER] });
  assert.deepEqual(builds(m).map((b) => [b.name, b.type, b.sourceName]), [['alpine', 'docker', 'alpine'], ['docker', 'docker', 'docker'], ['null', 'null', 'null']]);
  assert.deepEqual(m.sources.map((s) => s.name).sort(), ['alpine', 'docker', 'null']);
  assert.equal(toPlain(builds(m)[0].builder.values.image), 'a');
  assert.equal('type' in builds(m)[0].builder.values, false);
});

test('provisioners keep their order and only/except pick builds', () => {
  const m = load({
    builders: [{ ...NULL_BUILDER, name: 'one' }, { ...NULL_BUILDER, name: 'two' }],
    provisioners: [
      { type: 'shell-local', inline: ['first'] },
      { type: 'shell-local', inline: ['only one'], only: ['one'] },
      { type: 'shell-local', inline: ['not one'], except: ['one'] },
      { type: 'shell-local', inline: ['last'] },
    ],
  });
  const lines = (b: PlannedBuild): Plain[] => b.provisioners.map((p) => (toPlain(p.config.values.inline) as Plain[])[0]);
  assert.deepEqual(lines(builds(m)[0]), ['first', 'only one', 'last']);
  assert.deepEqual(lines(builds(m)[1]), ['first', 'not one', 'last']);
  assert.deepEqual(builds(m)[0].provisioners[1].only, ['one']);
});

test('override merges builder-specific settings into a provisioner for that build only, objects key by key', () => {
  const m = load({
    builders: [{ ...NULL_BUILDER, name: 'lin' }, { ...NULL_BUILDER, name: 'win' }],
    provisioners: [
      {
        type: 'puppet-masterless',
        manifest_file: 'site.pp',
        facter: { A: '1', B: '2' },
        override: { win: { manifest_file: 'win.pp', facter: { B: 'two' }, guest_os_type: 'windows' } },
      },
    ],
  });
  const [lin, win] = builds(m);
  assert.deepEqual(plain(lin.provisioners[0].config.values), { manifest_file: 'site.pp', facter: { A: '1', B: '2' } });
  assert.deepEqual(plain(win.provisioners[0].config.values), { manifest_file: 'win.pp', facter: { A: '1', B: 'two' }, guest_os_type: 'windows' });
  assert.equal('override' in win.provisioners[0].config.values, false);
});

test('pause_before, max_retries (interpolated) and timeout are engine settings, not config', () => {
  const m = load({
    variables: { retries: '4' },
    builders: [NULL_BUILDER],
    provisioners: [{ type: 'shell-local', inline: ['x'], pause_before: '10s', max_retries: '{{user `retries`}}', timeout: '5m' }, { type: 'shell-local', inline: ['y'], max_retries: 2 }],
  });
  const [p, q] = builds(m)[0].provisioners;
  assert.equal(p.pauseBefore, '10s');
  assert.equal(p.maxRetries, 4);
  assert.equal(p.timeout, '5m');
  assert.deepEqual(Object.keys(p.config.values), ['inline']);
  assert.equal(q.maxRetries, 2);
});

test('post-processors in all three forms: a type name, an object, and a chain', () => {
  const m = load({
    builders: [NULL_BUILDER],
    'post-processors': ['checksum', { type: 'compress', output: 'a.tgz', keep_input_artifact: true }, [{ type: 'artifice', files: ['a.img'] }, { type: 'manifest', name: 'mf', output: 'm.json' }]],
  });
  const chains = builds(m)[0].postProcessors;
  assert.deepEqual(chains.map((c) => c.map((p) => p.type)), [['checksum'], ['compress'], ['artifice', 'manifest']]);
  assert.equal(chains[1][0].keepInputArtifact, true);
  assert.deepEqual(plain(chains[1][0].config.values), { output: 'a.tgz' });
  assert.equal(chains[2][1].name, 'mf');
  assert.equal(chains[0][0].name, undefined);
  assert.deepEqual(chains[0][0].config.values, {});
});

test('post-processor only/except drop members of a chain, and a chain left empty disappears', () => {
  const m = load({
    builders: [{ ...NULL_BUILDER, name: 'a' }, { ...NULL_BUILDER, name: 'b' }],
    'post-processors': [[{ type: 'checksum', only: ['a'] }, { type: 'compress', output: 'x.tgz' }], [{ type: 'manifest', except: ['b'] }]],
  });
  const [a, b] = builds(m);
  assert.deepEqual(a.postProcessors.map((c) => c.map((p) => p.type)), [['checksum', 'compress'], ['manifest']]);
  assert.deepEqual(b.postProcessors.map((c) => c.map((p) => p.type)), [['compress']]);
});

test('-only and -except filter builds by name with globs; -except naming a post-processor cuts its chain', () => {
  const t = {
    builders: [{ ...NULL_BUILDER, name: 'web-1' }, { ...NULL_BUILDER, name: 'web-2' }, { ...NULL_BUILDER, name: 'db' }],
    'post-processors': [['checksum', { type: 'compress', output: 'x.tgz' }, 'manifest']],
  };
  assert.deepEqual(builds(load(t, { only: ['web-*'] })).map((b) => b.name), ['web-1', 'web-2']);
  const m = load(t, { except: ['web-1', 'compress'] });
  assert.deepEqual(builds(m).map((b) => b.name), ['db', 'web-2']);
  assert.deepEqual(builds(m)[0].postProcessors.map((c) => c.map((p) => p.type)), [['checksum']]);
  assert.equal(m.sources.length, 3, 'every builder is still a source');
});

test('sensitive-variables: values are recorded for masking and every config value containing them is marked', () => {
  const m = load(
    {
      variables: { token: '', user: 'admin' },
      'sensitive-variables': ['token'],
      builders: [{ ...NULL_BUILDER, name: 'n' }],
      provisioners: [{ type: 'shell-local', inline: ['login {{user `user`}}:{{user `token`}}', 'echo hello'] }],
    },
    { vars: [['token', 'hunter2']] },
  );
  assert.deepEqual(m.sensitiveStrings, ['hunter2']);
  const v = m.variables.find((x) => x.name === 'token')!;
  assert.equal(v.sensitive, true);
  assert.equal(v.value.sensitive, true);
  assert.equal(m.variables.find((x) => x.name === 'user')!.sensitive, false);
  const inline = builds(m)[0].provisioners[0].config.values.inline;
  assert.equal(inline.kind, 'tuple');
  if (inline.kind !== 'tuple') return;
  assert.equal(toPlain(inline.items[0]), 'login admin:hunter2');
  assert.equal(inline.items[0].sensitive, true);
  assert.equal(inline.items[1].sensitive, undefined);
});

test('references to build-time data stay intact for the component to fill in', () => {
  const m = load({
    builders: [{ type: 'docker', image: 'x', commit: true, run_command: ['-d', '{{.Image}}', '{{ .Name | lower }}'] }],
    provisioners: [
      { type: 'shell', inline: ['x'], execute_command: "chmod +x {{ .Path }}; {{ .Vars }} sudo -E '{{ .Path }}'" },
      { type: 'shell-local', inline: ['echo {{ build `ID` }} http://{{ .HTTPIP }}:{{ .HTTPPort }}/{{ .BuildName }}'] },
    ],
    'post-processors': [{ type: 'compress', output: '{{.BuildName}}-{{ .Provider }}.tgz' }],
  });
  const b = builds(m)[0];
  assert.deepEqual(toPlain(b.builder.values.run_command), ['-d', '{{.Image}}', '{{ .Name | lower }}']);
  assert.equal(toPlain(b.provisioners[0].config.values.execute_command), "chmod +x {{ .Path }}; {{ .Vars }} sudo -E '{{ .Path }}'");
  assert.deepEqual(toPlain(b.provisioners[1].config.values.inline), ['echo {{ build `ID` }} http://{{ .HTTPIP }}:{{ .HTTPPort }}/{{ .BuildName }}']);
  assert.equal(toPlain(b.postProcessors[0][0].config.values.output), '{{.BuildName}}-{{ .Provider }}.tgz');
});

test('string functions, pipelines and both kinds of string literal', () => {
  const m = load({
    variables: { name: 'Web Server' },
    builders: [{ ...NULL_BUILDER, name: 'box' }],
    provisioners: [
      {
        type: 'shell-local',
        inline: [
          '{{ user `name` | lower }}',
          '{{ upper "a\\tb" }}',
          '{{ split `a,b,c` `,` 2 }}',
          '{{ replace `o` `0` 1 `foo` }}',
          '{{ replace_all "o" "0" "foo" }}',
          '{{ user `name` | replace_all ` ` `-` | upper }}',
          '{{- " trimmed " -}} !',
          '{{build_name}}/{{build_type}}',
          '{{ packer_version }}',
          '{{/* a comment */}}done',
        ],
      },
    ],
  });
  assert.deepEqual(toPlain(builds(m)[0].provisioners[0].config.values.inline), [
    'web server',
    'A\tB',
    'c',
    'f0o',
    'f00',
    'WEB-SERVER',
    ' trimmed !',
    'box/null',
    '1.14.3',
    'done',
  ]);
});

test('time and place functions: isotime layouts, strftime, template_dir, pwd, uuid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'legacy-'));
  const m = load(
    {
      builders: [NULL_BUILDER],
      provisioners: [{ type: 'shell-local', inline: ['{{isotime}}', '{{isotime `2006-01-02 15:04 MST`}}', '{{ strftime `%Y-%m-%d` }}', '{{template_dir}}', '{{pwd}}', '{{uuid}}', '{{timestamp}}'] }],
    },
    { cwd: dir },
    'sub/t.json',
  );
  const [iso, layout, strf, tdir, pwd, uuid, ts] = toPlain(builds(m)[0].provisioners[0].config.values.inline) as string[];
  assert.match(iso, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.match(layout, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  assert.equal(strf, iso.slice(0, 10));
  const when = new Date(Number(ts) * 1000).toISOString().replace('.000', '');
  assert.equal(iso, when, 'isotime and timestamp name the same instant');
  assert.equal(tdir, resolve(dir, 'sub'));
  assert.equal(pwd, dir);
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});

test('clean_resource_name is available in builder settings, as the builder plugins provide it', () => {
  const m = load({ builders: [{ type: 'googlecompute', project_id: 'p', zone: 'us-central1-a', source_image: 'debian-12', ssh_username: 'packer', image_name: '{{ clean_resource_name `My Image 1.0` }}' }, { ...EBS, ami_name: '{{ clean_resource_name `a:b c` }}' }] });
  assert.equal(toPlain(builds(m).find((b) => b.type === 'googlecompute')!.builder.values.image_name), 'my-image-1-0');
  assert.equal(toPlain(builds(m).find((b) => b.type === 'amazon-ebs')!.builder.values.ami_name), 'a-b c');
});

test('nested JSON values become objects and tuples; settings the schema declares as blocks become blocks', () => {
  const m = load({
    builders: [{ ...EBS, tags: { Name: 'n', Count: '2' }, launch_block_device_mappings: [{ device_name: '/dev/sda1', volume_size: 40, encrypted: true }], kms_key_id: null }],
    provisioners: [{ type: 'shell-local', inline: ['a', 'b'], only_on: null }],
  });
  const b = builds(m)[0].builder;
  assert.equal(b.values.tags.kind, 'object');
  assert.deepEqual(toPlain(b.values.tags), { Name: 'n', Count: '2' });
  assert.equal(b.values.kms_key_id.kind, 'null');
  assert.equal('launch_block_device_mappings' in b.values, false);
  assert.equal(b.blocks.launch_block_device_mappings.length, 1);
  assert.deepEqual(plain(b.blocks.launch_block_device_mappings[0].values), { device_name: '/dev/sda1', volume_size: 40, encrypted: true });
  assert.equal(b.blocks.launch_block_device_mappings[0].range?.start.line, 15);
  assert.equal(b.ranges.tags.start.line, 10);
  assert.equal(builds(m)[0].provisioners[0].config.values.inline.kind, 'tuple');
});

test('description, min_packer_version, comment keys and the error-cleanup-provisioner', () => {
  const m = load({
    _comment: 'ignored',
    description: 'Builds a thing',
    min_packer_version: '1.5.0',
    builders: [NULL_BUILDER],
    'error-cleanup-provisioner': { type: 'shell-local', inline: ['echo cleanup {{build_name}}'] },
  });
  assert.equal(m.builds[0].description, 'Builds a thing');
  assert.deepEqual(toPlain(builds(m)[0].errorCleanupProvisioner!.config.values.inline), ['echo cleanup null']);
});

test('a relative -var-file is read from the working directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'legacy-'));
  writeFileSync(join(dir, 'prod.json'), '{"env": "prod"}');
  const m = load({ variables: { env: 'dev' }, builders: [NULL_BUILDER] }, { cwd: dir, varFiles: ['prod.json'] });
  assert.equal(toPlain(m.variables[0].value), 'prod');
});

test('"cache": false (Bakehouse only) is an engine setting, not config', () => {
  const m = load({ builders: [NULL_BUILDER], provisioners: [{ type: 'shell-local', inline: ['x'], cache: false }, { type: 'shell-local', inline: ['y'] }] });
  const [p, q] = builds(m)[0].provisioners;
  assert.equal(p.cache, false);
  assert.deepEqual(Object.keys(p.config.values), ['inline']);
  assert.equal(q.cache, undefined);
});
