// What Packer 1.14 accepts in a `build` block that 1.6.6 refused (and what it now checks), each probed with the live 1.14 binary:
// names from expressions, `dynamic` blocks generating sources, provisioners and post-processors, hcp_packer_registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPlain } from '../../../core/template/values/value';
import { DOCKER, errors, load, modelOf, noErrors, where } from './helpers';

const planned = (m: ReturnType<typeof noErrors>) => m.builds.flatMap((b) => b.builds);

test('a build name and description may use variables, locals and functions', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `variable "image_name" {
  default = "img"
}
locals {
  suffix = "x"
}
${DOCKER}
build {
  name        = "\${var.image_name}-\${upper(local.suffix)}"
  description = "built from \${var.image_name}"
  sources     = ["source.docker.ubuntu"]
}
build {
  name    = var.image_name
  sources = ["source.docker.\${local.suffix == "x" ? "ubuntu" : "none"}"]
}
`,
    }),
  );
  assert.deepEqual(planned(m).map((b) => b.name), ['img-X.docker.ubuntu', 'img.docker.ubuntu']);
  assert.equal(m.builds[0].description, 'built from img');
});

test('a bare source traversal in sources is refused, as Packer 1.14 refuses it (source has no attribute docker)', () => {
  const e = errors(load({ 'a.pkr.hcl': `${DOCKER}\nbuild {\n  sources = [source.docker.ubuntu]\n}\n` }));
  assert.equal(where(e[0]), 'Unsupported attribute @ a.pkr.hcl:8:20');
  assert.match(e[0].detail ?? '', /does not have an attribute named "docker"/);
});

test('a build with no source is refused', () => {
  const e = errors(load({ 'a.pkr.hcl': `${DOCKER}\nbuild {\n}\n` }));
  assert.equal(where(e[0]), 'missing source reference @ a.pkr.hcl:7:1');
});

test('dynamic provisioner, error-cleanup-provisioner and post-processor blocks, with iterators and labels', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `variable "scripts" {
  default = ["a.sh", "b.sh"]
}
${DOCKER}
build {
  name    = "b"
  sources = ["source.docker.ubuntu"]
  dynamic "provisioner" {
    for_each = var.scripts
    labels   = ["shell"]
    content {
      name   = "run-\${provisioner.key}"
      inline = ["sh \${provisioner.value} \${source.name}"]
    }
  }
  dynamic "error-cleanup-provisioner" {
    for_each = ["z"]
    labels   = ["shell-local"]
    content {
      inline = ["echo \${error-cleanup-provisioner.value}"]
    }
  }
  post-processors {
    dynamic "post-processor" {
      for_each = { first = "m1", second = "m2" }
      iterator = it
      labels   = ["manifest"]
      content {
        output = "\${it.value}-\${it.key}.json"
      }
    }
  }
  dynamic "post-processor" {
    for_each = ["x"]
    labels   = ["checksum"]
    content {
      output = "\${post-processor.value}.sum"
    }
  }
}
`,
    }),
  );
  const [b] = planned(m);
  assert.deepEqual(
    b.provisioners.map((p) => [p.type, p.name, toPlain(p.config.values.inline)]),
    [
      ['shell', 'run-0', ['sh a.sh ubuntu']],
      ['shell', 'run-1', ['sh b.sh ubuntu']],
    ],
  );
  assert.deepEqual(toPlain(b.errorCleanupProvisioner!.config.values.inline), ['echo z']);
  assert.deepEqual(
    b.postProcessors.map((chain) => chain.map((p) => `${p.type}:${String(toPlain(p.config.values.output))}`)),
    [['manifest:m1-first.json', 'manifest:m2-second.json'], ['checksum:x.sum']],
  );
});

test('dynamic source blocks: each generated source may rename its copy', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `${DOCKER}
build {
  dynamic "source" {
    for_each = ["one", "two"]
    labels   = ["docker.ubuntu"]
    content {
      name    = source.value
      changes = ["ENV WHICH \${source.value}"]
    }
  }
}
`,
    }),
  );
  assert.deepEqual(planned(m).map((b) => [b.name, toPlain(b.builder.values.changes)]), [
    ['docker.one', ['ENV WHICH one']],
    ['docker.two', ['ENV WHICH two']],
  ]);
});

test('dynamic is refused at the top level, as Packer 1.14 refuses it there', () => {
  const e = errors(load({ 'a.pkr.hcl': 'dynamic "source" {\n  for_each = []\n  labels = ["docker", "x"]\n  content {}\n}\n' }));
  assert.equal(where(e[0]), 'Unsupported block type @ a.pkr.hcl:1:1');
});

test('hcp_packer_registry in a build (and at the top level) is kept in the model; nothing is published', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `variable "team" {
  default = "web"
}
${DOCKER}
build {
  sources = ["source.docker.ubuntu"]
  hcp_packer_registry {
    bucket_name   = "ubuntu-\${var.team}"
    description   = "Ubuntu for the \${var.team} team"
    bucket_labels = { os = "ubuntu" }
    build_labels  = { "build-time" = "now" }
  }
}
`,
    }),
  );
  const [b] = planned(m);
  assert.equal(b.hcpPackerRegistry?.bucketName, 'ubuntu-web');
  assert.equal(b.hcpPackerRegistry?.description, 'Ubuntu for the web team');
  assert.deepEqual(b.hcpPackerRegistry?.bucketLabels, { os: 'ubuntu' });
  assert.deepEqual(b.hcpPackerRegistry?.buildLabels, { 'build-time': 'now' });
  assert.equal(m.builds[0].hcpPackerRegistry?.bucketName, 'ubuntu-web');

  const top = noErrors(load({ 'a.pkr.hcl': `hcp_packer_registry {\n  bucket_name = "top"\n}\n${DOCKER}\nbuild {\n  sources = ["source.docker.ubuntu"]\n}\n` }));
  assert.equal(planned(top)[0].hcpPackerRegistry?.bucketName, 'top');
});

test('hcp_packer_registry is checked as Packer 1.14 checks it', () => {
  const registry = (body: string) => load({ 'a.pkr.hcl': `${DOCKER}\nbuild {\n  sources = ["source.docker.ubuntu"]\n  hcp_packer_registry {\n${body}\n  }\n}\n` });
  assert.equal(where(errors(registry('    bucket_name = "a b"'))[0]), 'hcp_packer_registry.bucket_name can only contain between 3 and 36 ASCII letters, numbers and hyphens @ a.pkr.hcl:9:3');
  assert.equal(errors(registry(`    description = "${'x'.repeat(256)}"`))[0].summary, 'hcp_packer_registry.description should have a maximum length of 255 characters');
  assert.equal(
    errors(registry('    labels = { a = "b" }\n    bucket_labels = { a = "b" }'))[0].summary,
    'hcp_packer_registry.labels and hcp_packer_registry.bucket_labels are mutually exclusive; please use the recommended argument hcp_packer_registry.bucket_labels',
  );
  const old = registry('    labels = { a = "b" }');
  assert.deepEqual(errors(old), []);
  assert.match(old.diagnostics[0].summary, /labels has been deprecated/);
  assert.deepEqual(modelOf(old).builds[0].hcpPackerRegistry?.bucketLabels, { a: 'b' });
  assert.equal(errors(registry('    bukket_name = "x"'))[0].summary, 'Unsupported argument');
});

test('a `from` block in a build is accepted and ignored, as Packer 1.14 ignores it', () => {
  const m = noErrors(load({ 'a.pkr.hcl': `${DOCKER}\nbuild {\n  sources = ["source.docker.ubuntu"]\n  from "x" {\n    anything = 1\n  }\n}\n` }));
  assert.deepEqual(planned(m).map((b) => b.name), ['docker.ubuntu']);
});

test('required_plugins entries are checked as Packer 1.14 checks them', () => {
  const entry = (body: string) => errors(load({ 'a.pkr.hcl': `packer {\n  required_plugins {\n    ${body}\n  }\n}\n` })).map((d) => d.summary);
  assert.deepEqual(entry('docker = { version = ">= 1.1.0", source = "github.com/hashicorp/docker" }'), []);
  assert.deepEqual(entry('docker = ">= 1.0"'), ['Invalid plugin requirement']);
  assert.deepEqual(entry('docker = { source = "github.com/hashicorp/docker" }'), ['No version constraint was set']);
  assert.deepEqual(entry('docker = { version = "nope!", source = "github.com/hashicorp/docker" }'), ['Invalid version constraint']);
  assert.deepEqual(entry('docker = { version = ">= 1.0" }'), ['No source was set']);
  assert.deepEqual(entry('docker = { version = ">= 1.0", source = 3 }'), ['Invalid source']);
  assert.deepEqual(entry('docker = { version = ">= 1.0", source = "github.com/hashicorp/docker", x = 1 }'), ['Invalid required_plugins object']);
  assert.deepEqual(entry('docker = ["x"]'), ['Invalid required_plugins syntax']);
  const detail = errors(load({ 'a.pkr.hcl': 'packer {\n  required_plugins {\n    docker = ">= 1.0"\n  }\n}\n' }))[0].detail;
  assert.equal(detail, `'docker = ">= 1.0"' plugin requirement calls are not possible. You must define a whole block. For example:\ndocker = {\n  source  = "github.com/hashicorp/docker"\n  version = ">= 1.0"\n}`);
});

test('an unknown source type is an error where a build starts the source; an unused one is none, as in Packer 1.14', () => {
  const unused = load({ 'a.pkr.hcl': `source "vmware-iso" "x" {\n}\n${DOCKER}\nbuild {\n  sources = ["source.docker.ubuntu"]\n}\n` });
  assert.deepEqual(errors(unused), []);
  const used = errors(load({ 'a.pkr.hcl': 'source "dockr" "x" {\n}\nbuild {\n  sources = ["source.dockr.x"]\n}\n' }));
  assert.deepEqual(used.map(where), ['Unknown source type dockr @ a.pkr.hcl:3:1']);
});

test('validate and build need a build block; inspect and console read a template without one', () => {
  const files = { 'a.pkr.hcl': `variable "x" {\n  default = "y"\n}\n${DOCKER}` };
  assert.deepEqual(errors(load(files)), []);
  const e = errors(load(files, { requireBuild: true }));
  assert.deepEqual(e.map((d) => [d.summary, d.detail, d.range]), [['Missing build block', 'A build block with one or more sources is required for executing a build.', undefined]]);
});
