/**
 * The valid corpus: templates in the shapes public Packer projects use, each with the model Packer would plan.
 * Packer 1.14 is the judge: every case must also pass its recorded `packer validate` (test/fixtures/packer-1.14/valid.json,
 * scripts/record-packer-1.14.ts) unless the case says why the reference cannot judge it.
 *
 * Every directory under test/fixtures/templates/valid/<case>/ holds the template file(s) and an `expect.json`:
 *
 * {
 *   "description": string,          // which public shape the case mirrors
 *   "template"?: string,            // what to load, relative to the case dir; default "." (the dir, as HCL2)
 *   "packer114"?: string,           // why Packer 1.14's recorded verdict does not count for this case (a limit of the reference)
 *   "todo"?: string,                // a known gap in Bakehouse: the case runs and reports, but does not fail the suite
 *   "inputs"?: {
 *     "vars"?: [string, string][],  // -var name=value, in command-line order
 *     "varFiles"?: string[],        // -var-file, relative to the case dir
 *     "env"?: Record<string,string>,// the whole environment (PKR_VAR_*, env()); default {}
 *     "only"?: string[], "except"?: string[]
 *   },
 *   "builds": [{                    // planned builds, in order (all build blocks flattened)
 *     "name": string,               // e.g. "docker.ubuntu", "bento.virtualbox-iso.deb", or a JSON builder's name
 *     "type": string,               // builder type
 *     "builder"?: { key: Expected },// selected builder fields; a nested block key compares a list of its blocks' values
 *     "provisioners"?: Component[], // in order; a string is just the type
 *     "errorCleanupProvisioner"?: Component,
 *     "postProcessors"?: Component[][] // each inner list is one chain
 *   }],
 *   "variables"?: { name: Expected },   // values in effect
 *   "locals"?: { name: Expected },
 *   "sensitive"?: string[],         // "var.x" / "local.y" that must be sensitive; the other names listed above must not be
 *   "sensitiveStrings"?: string[]   // strings model.sensitiveStrings must contain
 * }
 * Component = string | { "type": string, "name"?: string, "config"?: { key: Expected },
 *                        "pauseBefore"?: string, "maxRetries"?: number, "timeout"?: string, "keepInputArtifact"?: boolean }
 * Expected  = plain JSON compared with toPlain(value), or { "$regex": "..." } for a string that varies (timestamps).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplate } from '../../core/template/load';
import type { ComponentConfig, PlannedBuild, PostProcessorModel, ProvisionerModel, TemplateModel } from '../../core/template/model';
import type { Diagnostic } from '../../core/template/source';
import { isSensitiveDeep, toPlain, type Plain, type Value } from '../../core/template/values/value';

type Expected = Plain | { $regex: string };
type Component =
  | string
  | { type: string; name?: string; config?: Record<string, Expected>; pauseBefore?: string; maxRetries?: number; timeout?: string; keepInputArtifact?: boolean };

interface ExpectedBuild {
  name: string;
  type: string;
  builder?: Record<string, Expected>;
  provisioners?: Component[];
  errorCleanupProvisioner?: Component;
  postProcessors?: Component[][];
}

interface CaseExpectation {
  description: string;
  template?: string;
  packer114?: string;
  todo?: string;
  inputs?: { vars?: Array<[string, string]>; varFiles?: string[]; env?: Record<string, string>; only?: string[]; except?: string[] };
  builds: ExpectedBuild[];
  variables?: Record<string, Expected>;
  locals?: Record<string, Expected>;
  sensitive?: string[];
  sensitiveStrings?: string[];
}

const VALID = join(__dirname, '..', 'fixtures', 'templates', 'valid');

interface RecordedValidate {
  exitCode: number | null;
  stdout: string;
}
const packer114 = (
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'packer-1.14', 'valid.json'), 'utf8')) as { cases: Record<string, { validate: RecordedValidate }> }
).cases;

function isRegex(e: Expected): e is { $regex: string } {
  return typeof e === 'object' && e !== null && !Array.isArray(e) && typeof (e as { $regex?: unknown }).$regex === 'string';
}

function assertMatches(actual: Plain, expected: Expected, what: string): void {
  if (isRegex(expected)) {
    assert.equal(typeof actual, 'string', `${what}: expected a string matching /${expected.$regex}/, got ${JSON.stringify(actual)}`);
    assert.match(actual as string, new RegExp(expected.$regex), what);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && actual.length === expected.length) {
    expected.forEach((e, i) => assertMatches((actual as Plain[])[i], e as Expected, `${what}[${i}]`));
    return;
  }
  if (isPlainObject(expected) && isPlainObject(actual) && Object.keys(actual).length === Object.keys(expected).length) {
    for (const [k, e] of Object.entries(expected)) assertMatches(actual[k], e as Expected, `${what}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, what);
}

function isPlainObject(v: unknown): v is Record<string, Plain> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function configPlain(config: ComponentConfig, key: string): Plain | undefined {
  if (key in config.values) return toPlain(config.values[key]);
  if (key in config.blocks) return config.blocks[key].map((b) => blockPlain(b));
  return undefined;
}

function blockPlain(config: ComponentConfig): Plain {
  const out: Record<string, Plain> = {};
  for (const [k, v] of Object.entries(config.values)) out[k] = toPlain(v);
  for (const [k, bs] of Object.entries(config.blocks)) out[k] = bs.map((b) => blockPlain(b));
  return out;
}

function assertConfig(config: ComponentConfig, expected: Record<string, Expected>, what: string): void {
  for (const [key, want] of Object.entries(expected)) {
    const got = configPlain(config, key);
    assert.notEqual(got, undefined, `${what}: field "${key}" is missing (have ${Object.keys(config.values).join(', ')})`);
    assertMatches(got as Plain, want, `${what}.${key}`);
  }
}

function assertComponent(actual: ProvisionerModel | PostProcessorModel | undefined, expected: Component, what: string): void {
  assert.ok(actual, `${what}: missing`);
  const want = typeof expected === 'string' ? { type: expected } : expected;
  assert.equal(actual.type, want.type, `${what}: type`);
  if (want.name !== undefined) assert.equal(actual.name, want.name, `${what}: name`);
  if (want.config) assertConfig(actual.config, want.config, what);
  if ('maxRetries' in actual) {
    if (want.pauseBefore !== undefined) assert.equal(actual.pauseBefore, want.pauseBefore, `${what}: pause_before`);
    if (want.maxRetries !== undefined) assert.equal(actual.maxRetries, want.maxRetries, `${what}: max_retries`);
    if (want.timeout !== undefined) assert.equal(actual.timeout, want.timeout, `${what}: timeout`);
  } else if (want.keepInputArtifact !== undefined) {
    assert.equal(actual.keepInputArtifact, want.keepInputArtifact, `${what}: keep_input_artifact`);
  }
}

function plannedBuilds(model: TemplateModel): PlannedBuild[] {
  return model.builds.flatMap((b) => b.builds);
}

function describeDiagnostics(diags: readonly Diagnostic[]): string {
  return diags
    .map((d) => `${d.severity}: ${d.summary}${d.range ? ` (${d.range.filename}:${d.range.start.line}:${d.range.start.column})` : ''}${d.detail ? ` — ${d.detail}` : ''}`)
    .join('\n');
}

function namedValue(model: TemplateModel, ref: string): Value | undefined {
  const [kind, name] = ref.split('.', 2);
  if (kind === 'var') return model.variables.find((v) => v.name === name)?.value;
  if (kind === 'local') return model.locals.find((l) => l.name === name)?.value;
  return undefined;
}

function isSensitive(model: TemplateModel, ref: string): boolean {
  const [kind, name] = ref.split('.', 2);
  if (kind === 'var') {
    const v = model.variables.find((x) => x.name === name);
    return Boolean(v && (v.sensitive || isSensitiveDeep(v.value)));
  }
  const l = model.locals.find((x) => x.name === name);
  return Boolean(l && (l.sensitive || isSensitiveDeep(l.value)));
}

const cases = existsSync(VALID) ? readdirSync(VALID).filter((n) => existsSync(join(VALID, n, 'expect.json'))).sort() : [];

test('the valid corpus has at least 45 cases', () => {
  assert.ok(cases.length >= 45, `only ${cases.length} cases`);
});

test('Packer 1.14 agrees with Bakehouse on every valid case but those it cannot judge', () => {
  const judged = cases.filter((n) => !(JSON.parse(readFileSync(join(VALID, n, 'expect.json'), 'utf8')) as CaseExpectation).packer114);
  const agreed = judged.filter((n) => packer114[n]?.validate.exitCode === 0);
  assert.deepEqual(judged.filter((n) => !agreed.includes(n)), []);
  assert.ok(cases.length - judged.length <= 1, 'a case Packer 1.14 cannot judge needs a reason, and there should be few');
});

for (const name of cases) {
  const dir = join(VALID, name);
  const exp = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as CaseExpectation;
  test(`valid/${name}: ${exp.description}`, { todo: exp.todo }, () => {
    const inputs = exp.inputs ?? {};
    const result = loadTemplate(join(dir, exp.template ?? '.'), {
      vars: inputs.vars,
      varFiles: inputs.varFiles?.map((f) => join(dir, f)),
      env: inputs.env ?? {},
      only: inputs.only,
      except: inputs.except,
      cwd: dir,
      requireBuild: true,
    });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 0, `unexpected errors:\n${describeDiagnostics(errors)}`);
    const reference = packer114[name]?.validate;
    assert.ok(reference, 'Packer 1.14 is not recorded for this case: run scripts/record-packer-1.14.ts');
    if (!exp.packer114) assert.equal(reference.exitCode, 0, `Packer 1.14 refuses this template:\n${reference.stdout}`);
    const model = result.model;
    assert.ok(model, 'no model');

    const builds = plannedBuilds(model);
    assert.deepEqual(
      builds.map((b) => b.name),
      exp.builds.map((b) => b.name),
      'planned build names, in order',
    );
    exp.builds.forEach((want, i) => {
      const got = builds[i];
      const where = `build ${want.name}`;
      assert.equal(got.type, want.type, `${where}: builder type`);
      if (want.builder) assertConfig(got.builder, want.builder, `${where} builder`);
      if (want.provisioners) {
        assert.deepEqual(
          got.provisioners.map((p) => p.type),
          want.provisioners.map((p) => (typeof p === 'string' ? p : p.type)),
          `${where}: provisioner types in order`,
        );
        want.provisioners.forEach((p, j) => assertComponent(got.provisioners[j], p, `${where} provisioner #${j + 1}`));
      }
      if (want.errorCleanupProvisioner) assertComponent(got.errorCleanupProvisioner, want.errorCleanupProvisioner, `${where} error-cleanup-provisioner`);
      if (want.postProcessors) {
        assert.deepEqual(
          got.postProcessors.map((chain) => chain.map((p) => p.type)),
          want.postProcessors.map((chain) => chain.map((p) => (typeof p === 'string' ? p : p.type))),
          `${where}: post-processor chains`,
        );
        want.postProcessors.forEach((chain, j) =>
          chain.forEach((p, k) => assertComponent(got.postProcessors[j][k], p, `${where} post-processor chain #${j + 1} item #${k + 1}`)),
        );
      }
    });

    for (const [n, want] of Object.entries(exp.variables ?? {})) {
      const v = namedValue(model, `var.${n}`);
      assert.ok(v, `variable ${n} is missing`);
      assertMatches(toPlain(v), want, `var.${n}`);
    }
    for (const [n, want] of Object.entries(exp.locals ?? {})) {
      const v = namedValue(model, `local.${n}`);
      assert.ok(v, `local ${n} is missing`);
      assertMatches(toPlain(v), want, `local.${n}`);
    }
    const sensitive = new Set(exp.sensitive ?? []);
    const listed = [...Object.keys(exp.variables ?? {}).map((n) => `var.${n}`), ...Object.keys(exp.locals ?? {}).map((n) => `local.${n}`)];
    for (const ref of new Set([...listed, ...sensitive])) {
      assert.equal(isSensitive(model, ref), sensitive.has(ref), `${ref} ${sensitive.has(ref) ? 'must' : 'must not'} be sensitive`);
    }
    for (const s of exp.sensitiveStrings ?? []) {
      assert.ok(model.sensitiveStrings.includes(s), `sensitiveStrings lacks ${JSON.stringify(s)}`);
    }
  });
}
