import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPlain } from '../../../core/template/values/value';
import { DOCKER, errors, load, modelOf, noErrors, where } from './helpers';

const TWO_SOURCES = `${DOCKER}
source "docker" "debian" {
  image   = "debian:11"
  discard = true
}
`;

function names(m: ReturnType<typeof noErrors>): string[] {
  return m.builds.flatMap((b) => b.builds.map((p) => p.name));
}

test('build names: type.name, buildname.type.name, and a nested source renaming its copy', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `${TWO_SOURCES}
build {
  sources = ["source.docker.ubuntu"]
}
build {
  name = "web"
  sources = ["docker.debian"]
  source "source.docker.ubuntu" {
    name = "focal"
  }
}
`,
    }),
  );
  assert.deepEqual(names(m), ['docker.ubuntu', 'web.docker.debian', 'web.docker.focal']);
  const focal = m.builds[1].builds[1];
  assert.equal(focal.sourceName, 'focal');
  assert.equal(focal.buildName, 'web');
});

test('a nested source block fills in fields but may not set one again', () => {
  const ok = noErrors(
    load({
      'a.pkr.hcl': `source "docker" "base" {
  image = "alpine"
}
build {
  source "docker.base" {
    commit = true
  }
}
`,
    }),
  );
  assert.equal(toPlain(ok.builds[0].builds[0].builder.values.commit), true);
  const r = errors(
    load({
      'a.pkr.hcl': `${DOCKER}
build {
  source "docker.ubuntu" {
    image = "other"
  }
}
`,
    }),
  );
  assert.equal(where(r[0]), 'Duplicate argument @ a.pkr.hcl:9:5');
  assert.equal(r[0].detail, 'Argument "image" was already set at /tmp/bakehouse-test/a.pkr.hcl:3,3-8');
});

test('duplicate and unknown sources', () => {
  const dup = errors(load({ 'a.pkr.hcl': `${DOCKER}${DOCKER}` }));
  assert.equal(dup[0].summary, 'Duplicate source block');
  assert.match(dup[0].detail ?? '', /previous block declared at \/tmp\/bakehouse-test\/a\.pkr\.hcl:2,1-25/);
  const unknown = errors(load({ 'a.pkr.hcl': `${DOCKER}\nbuild {\n  sources = ["docker.ubunt"]\n}\n` }));
  assert.equal(unknown[0].summary, 'Unknown source docker.ubunt');
  const badType = errors(load({ 'a.pkr.hcl': 'source "dokcer" "x" {\n}\nbuild {\n  sources = ["source.dokcer.x"]\n}\n' }));
  assert.equal(badType[0].summary, 'Unknown source type dokcer');
  assert.match(badType[0].detail ?? '', /Did you mean "docker"\?/);
});

test('builder config is validated with the component schema', () => {
  const r = errors(load({ 'a.pkr.hcl': 'source "docker" "x" {\n  commit = true\n  imagee = "a"\n}\nbuild {\n  sources = ["docker.x"]\n}\n' }));
  assert.equal(where(r[0]), 'Unsupported argument @ a.pkr.hcl:3:3');
});

test('provisioners see the build they run in, and only/except name sources', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `${TWO_SOURCES}
build {
  name = "b"
  sources = ["docker.ubuntu", "docker.debian"]
  provisioner "shell" {
    inline = ["echo \${source.name} \${source.type} \${build.name} \${build.ID} {{ .Vars }}"]
  }
  provisioner "shell" {
    only   = ["docker.debian"]
    inline = ["only debian"]
  }
  provisioner "shell" {
    except = ["docker.debian"]
    inline = ["not debian"]
  }
}
`,
    }),
  );
  const [ubuntu, debian] = m.builds[0].builds;
  assert.deepEqual(toPlain(ubuntu.provisioners[0].config.values.inline), ['echo ubuntu docker b {{ .ID }} {{ .Vars }}']);
  assert.deepEqual(toPlain(debian.provisioners[0].config.values.inline), ['echo debian docker b {{ .ID }} {{ .Vars }}']);
  assert.deepEqual(ubuntu.provisioners.map((p) => toPlain(p.config.values.inline)), [['echo ubuntu docker b {{ .ID }} {{ .Vars }}'], ['not debian']]);
  assert.deepEqual(debian.provisioners.map((p) => toPlain(p.config.values.inline)).slice(1), [['only debian']]);
});

test('provisioner meta arguments and override', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `${TWO_SOURCES}
build {
  sources = ["docker.ubuntu", "docker.debian"]
  provisioner "shell" {
    name         = "setup"
    pause_before = "10s"
    max_retries  = 3
    timeout      = "5m"
    inline       = ["default"]
    override = {
      ubuntu = { inline = ["for ubuntu"] }
    }
  }
  error-cleanup-provisioner "shell" {
    inline = ["cleanup"]
  }
}
`,
    }),
  );
  const [ubuntu, debian] = m.builds[0].builds;
  const p = ubuntu.provisioners[0];
  assert.equal(p.name, 'setup');
  assert.equal(p.pauseBefore, '10s');
  assert.equal(p.maxRetries, 3);
  assert.equal(p.timeout, '5m');
  assert.deepEqual(toPlain(p.config.values.inline), ['for ubuntu']);
  assert.equal(p.config.values.override, undefined);
  assert.deepEqual(toPlain(debian.provisioners[0].config.values.inline), ['default']);
  assert.deepEqual(toPlain(ubuntu.errorCleanupProvisioner!.config.values.inline), ['cleanup']);
});

test('only and except together, bad durations, two error-cleanup provisioners', () => {
  const tpl = (inner: string): string => `${DOCKER}\nbuild {\n  sources = ["docker.ubuntu"]\n${inner}\n}\n`;
  assert.equal(errors(load({ 'a.pkr.hcl': tpl('provisioner "shell" {\n only = ["a"]\n except = ["b"]\n inline = ["x"]\n}') }))[0].summary, "only one of 'only' or 'except' may be specified");
  assert.equal(errors(load({ 'a.pkr.hcl': tpl('provisioner "shell" {\n pause_before = "soon"\n inline = ["x"]\n}') }))[0].summary, 'Failed to parse pause_before duration');
  const two = errors(load({ 'a.pkr.hcl': tpl('error-cleanup-provisioner "shell" {\n inline = ["x"]\n}\nerror-cleanup-provisioner "shell" {\n inline = ["y"]\n}') }));
  assert.equal(two[0].summary, 'Only one error-cleanup-provisioner is allowed');
  const unknown = errors(load({ 'a.pkr.hcl': tpl('provisioner "shel" {\n}') }));
  assert.match(unknown[0].summary, /Unknown provisioner type "shel"/);
});

test('post-processor chains', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `${DOCKER}
build {
  sources = ["docker.ubuntu"]
  post-processor "manifest" {
    output = "\${source.name}.json"
  }
  post-processors {
    post-processor "manifest" {
      name = "m2"
      keep_input_artifact = true
    }
    post-processor "manifest" {
      only = ["docker.other"]
    }
    post-processor "manifest" {
      name = "m3"
    }
  }
}
`,
    }),
  );
  const chains = m.builds[0].builds[0].postProcessors;
  assert.deepEqual(
    chains.map((c) => c.map((p) => p.name ?? p.type)),
    [['manifest'], ['m2', 'm3']],
  );
  assert.equal(toPlain(chains[0][0].config.values.output), 'ubuntu.json');
  assert.equal(chains[1][0].keepInputArtifact, true);
});

test('-only and -except filter planned builds by glob; -except also ends post-processor chains', () => {
  const tpl = `${TWO_SOURCES}
build {
  name = "web"
  sources = ["docker.ubuntu", "docker.debian"]
  post-processors {
    post-processor "manifest" {
      name = "first"
    }
    post-processor "manifest" {
      name = "second"
    }
  }
}
`;
  assert.deepEqual(names(noErrors(load({ 'a.pkr.hcl': tpl }, { only: ['*.ubuntu'] }))), ['web.docker.ubuntu']);
  assert.deepEqual(names(noErrors(load({ 'a.pkr.hcl': tpl }, { except: ['web.docker.u*'] }))), ['web.docker.debian']);
  assert.deepEqual(names(noErrors(load({ 'a.pkr.hcl': tpl }, { only: ['web.docker.{ubuntu,debian}'] }))), ['web.docker.ubuntu', 'web.docker.debian']);
  const m = noErrors(load({ 'a.pkr.hcl': tpl }, { except: ['second'] }));
  assert.deepEqual(m.builds[0].builds[0].postProcessors.map((c) => c.map((p) => p.name)), [['first']]);
});

test('an amazon data source is checked, and left for the caller to run (it reaches AWS), its output unknown until then', () => {
  const r = load({ 'a.pkr.hcl': 'data "amazon-ami" "base" {\n  region = "eu-west-1"\n  owners = ["self"]\n}\nlocals {\n  ami = data.amazon-ami.base.id\n}\n' });
  assert.deepEqual(errors(r), []);
  assert.equal(modelOf(r).locals[0].value.kind, 'unknown');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'warning'), []);
  assert.deepEqual((r.pendingDataSources ?? []).map((p) => p.type), ['amazon-ami']);
  assert.equal(modelOf(r).dataSources[0].name, 'base');
});

test('required_version is checked against the Packer version Bakehouse follows (1.14)', () => {
  const ok = load({ 'a.pkr.hcl': 'packer {\n  required_version = ">= 1.5.0, < 2.0"\n  required_plugins {\n    docker = { version = ">= 0.0.7", source = "github.com/hashicorp/docker" }\n  }\n}\n' });
  assert.deepEqual(errors(ok), []);
  assert.equal(modelOf(ok).packer.requiredVersion, '>= 1.5.0, < 2.0');
  assert.ok(modelOf(ok).packer.requiredPlugins.docker);
  // Templates written for Packer 1.7 and later pass, as they do with today's Packer.
  for (const constraint of ['>= 1.7.0', '~> 1.14', '>= 1.10.0, < 2.0.0']) {
    assert.deepEqual(errors(load({ 'a.pkr.hcl': `packer {\n  required_version = "${constraint}"\n}\n` })), [], constraint);
  }
  const bad = errors(load({ 'a.pkr.hcl': 'packer {\n  required_version = "~> 1.6.0"\n}\n' }));
  assert.equal(where(bad[0]), 'Unsupported Packer Core version @ a.pkr.hcl:2:3');
});

test('unknown top-level blocks, and a model even with errors', () => {
  const r = load({ 'a.pkr.hcl': `${DOCKER}\nbuidl {\n}\n` });
  assert.equal(errors(r)[0].summary, 'Unsupported block type');
  assert.match(errors(r)[0].detail ?? '', /Did you mean "build"\?/);
  assert.equal(modelOf(r).sources.length, 1);
});

test('sensitive values stay marked inside component configs', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `variable "pw" {
  default   = "hunter2"
  sensitive = true
}
${DOCKER}
build {
  sources = ["docker.ubuntu"]
  provisioner "shell" {
    inline = ["echo \${var.pw}"]
  }
}
`,
    }),
  );
  const inline = m.builds[0].builds[0].provisioners[0].config.values.inline;
  assert.equal(JSON.stringify(inline).includes('"sensitive":true'), true);
  assert.deepEqual(m.sensitiveStrings, ['hunter2']);
});

test('JSON syntax templates load the same way', () => {
  const m = noErrors(
    load({
      'a.pkr.json': JSON.stringify({
        variable: { tag: { default: 'v1' } },
        source: { docker: { ubuntu: { image: 'ubuntu:${var.tag}', commit: true } } },
        build: { sources: ['source.docker.ubuntu'], provisioner: { shell: { inline: ['echo ${source.name}'] } } },
      }),
    }),
  );
  const b = m.builds[0].builds[0];
  assert.equal(toPlain(b.builder.values.image), 'ubuntu:v1');
  assert.deepEqual(toPlain(b.provisioners[0].config.values.inline), ['echo ubuntu']);
});

test('component configs are checked only when the template decoded cleanly, as Packer prepares builds last', () => {
  const tpl = `variable "v" {
  type = string
}
source "docker" "x" {
  commit = true
}
build {
  sources = ["docker.x"]
}
`;
  assert.deepEqual(
    errors(load({ 'a.pkr.hcl': tpl })).map((d) => d.summary),
    ['Unset variable "v"'],
  );
  const m = modelOf(load({ 'a.pkr.hcl': tpl }));
  assert.equal(m.builds[0].builds[0].name, 'docker.x');
  assert.ok(errors(load({ 'a.pkr.hcl': tpl }, { vars: [['v', 'x']] })).some((d) => d.summary === "missing 'image' attribute or 'build' section, either needs to be specified for a build to run."));
});

test('cache = false (Bakehouse only) is an engine setting, not config; a non-bool is an error at its value', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': `${TWO_SOURCES}
build {
  sources = ["docker.ubuntu"]
  provisioner "shell" {
    cache  = false
    inline = ["date"]
  }
  provisioner "shell" {
    cache  = true
    inline = ["x"]
  }
}
`,
    }),
  );
  const [p, q] = m.builds[0].builds[0].provisioners;
  assert.equal(p.cache, false);
  assert.deepEqual(Object.keys(p.config.values), ['inline']);
  assert.equal(q.cache, undefined);
  const bad = errors(load({ 'a.pkr.hcl': `${TWO_SOURCES}\nbuild {\n  sources = ["docker.ubuntu"]\n  provisioner "shell" {\n    cache  = "sometimes"\n    inline = ["x"]\n  }\n}\n` }));
  assert.deepEqual(bad.map(where), ['Unsuitable value type @ a.pkr.hcl:15:14']);
});
