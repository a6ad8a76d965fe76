import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLegacyTemplateText } from '../../../core/template/legacy/load';
import type { LoadOptions } from '../../../core/template/model';
import type { Diagnostic } from '../../../core/template/source';

/** Loads `text` and returns the error with `summary`, failing if there is none. */
function errorFor(text: string, summary: string, opts: LoadOptions = {}): Diagnostic {
  const r = loadLegacyTemplateText(text, 'bad.json', { env: {}, ...opts });
  const d = r.diagnostics.find((x) => x.summary === summary && x.severity === 'error');
  assert.ok(d, `expected error "${summary}"; got ${JSON.stringify(r.diagnostics.map((x) => x.summary))}`);
  assert.ok(r.model, 'a model is returned even with errors');
  return d;
}

function at(d: Diagnostic, line: number, column: number, filename = 'bad.json'): void {
  assert.equal(d.range?.filename, filename);
  assert.deepEqual([d.range?.start.line, d.range?.start.column], [line, column]);
}

const B = '"builders": [{"type": "null", "communicator": "none"}]';

test('JSON syntax: a trailing comma', () => {
  const d = errorFor(`{\n  "builders": [\n    {"type": "null",}\n  ]\n}`, "Error parsing JSON: invalid character '}' looking for beginning of object key string");
  at(d, 3, 21);
  assert.match(d.detail ?? '', /trailing comma/);
});

test('JSON syntax: comments are not JSON', () => {
  const d = errorFor(`{\n  // builders\n  ${B}\n}`, "Error parsing JSON: invalid character '/' looking for beginning of object key string");
  at(d, 2, 3);
  assert.match(d.detail ?? '', /cannot hold comments/);
});

test('JSON syntax: a missing comma between properties', () => {
  at(errorFor(`{\n  "description": "x"\n  ${B}\n}`, `Error parsing JSON: invalid character '"' after object key:value pair`), 3, 3);
});

test('JSON syntax: an unterminated string', () => {
  // Go stops at the raw newline, the first character a string may not hold.
  at(errorFor(`{\n  "description": "x,\n  ${B}\n}`, "Error parsing JSON: invalid character '\\n' in string literal"), 2, 21);
});

test('a key written twice in one object', () => {
  at(errorFor(`{\n  "builders": [{"type": "null",\n    "type": "null"}]\n}`, 'template has duplicate field: type'), 3, 5);
});

test('an unknown root level key, with a suggestion', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioner": []\n}`, "Unknown root level key in template: 'provisioner'");
  at(d, 3, 3);
  assert.match(d.detail ?? '', /Did you mean "provisioners"\?/);
});

test('a required variable that was not given', () => {
  const d = errorFor(`{\n  "variables": {\n    "region": "x",\n    "token": null\n  },\n  ${B}\n}`, 'required variable not set: token');
  at(d, 4, 5);
  assert.match(d.detail ?? '', /-var token=/);
});

test('a variable default that is not a string', () => {
  at(errorFor(`{\n  "variables": {"size": 10},\n  ${B}\n}`, 'Invalid default for variable "size"'), 2, 25);
});

test('env outside the variables section', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioners": [{"type": "shell-local", "inline": ["echo {{env \`HOME\`}}"]}]\n}`, 'Function "env" is not allowed here');
  at(d, 3, 63);
});

test('an unknown template function, with a suggestion', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioners": [{"type": "shell-local", "inline": ["x", "{{ timestanp }}"]}]\n}`, 'Unknown template function "timestanp"');
  at(d, 3, 64);
  assert.match(d.detail ?? '', /Did you mean "timestamp"\?/);
});

test('an unknown user variable: outside "variables" Packer renders it empty, so a warning with a suggestion', () => {
  const text = `{\n  "variables": {"region": "x"},\n  "builders": [{"type": "null", "communicator": "none",\n    "name": "n"}],\n  "provisioners": [{"type": "shell-local", "inline": ["echo [{{user \`regoin\`}}]"]}]\n}`;
  const r = loadLegacyTemplateText(text, 'bad.json', { env: {} });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const d = r.diagnostics.find((x) => x.summary === 'Unknown variable "regoin"' && x.severity === 'warning');
  assert.ok(d, JSON.stringify(r.diagnostics.map((x) => x.summary)));
  at(d, 5, 64);
  assert.match(d.detail ?? '', /Did you mean "region"\?/);
  const inline = r.model?.builds[0]?.builds[0]?.provisioners[0]?.config.values.inline;
  assert.deepEqual(inline?.kind === 'tuple' || inline?.kind === 'list' ? inline.items.map((i) => (i.kind === 'string' ? i.value : i.kind)) : inline, ['echo []']);
});

test('an unknown user variable inside "variables" is an error, as Packer reads them', () => {
  const text = `{\n  "variables": {"region": "x", "zone": "{{user \`regoin\`}}-a"},\n  "builders": [{"type": "null", "communicator": "none"}]\n}`;
  errorFor(text, 'Unknown variable "regoin"');
});

test('an unclosed action', () => {
  const d = errorFor(`{\n  ${B},\n  "post-processors": [{"type": "compress", "output": "a-{{timestamp.tgz"}]\n}`, 'Invalid template syntax');
  at(d, 3, 59);
});

test('a position after escapes in the JSON string still points at the right column', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioners": [{"type": "shell-local", "inline": ["say \\"hi\\" {{ nope }}"]}]\n}`, 'Unknown template function "nope"');
  at(d, 3, 70);
});

test('wrong number of arguments to a function', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioners": [{"type": "shell-local", "inline": ["{{ split \`a,b\` \`,\` }}"]}]\n}`, 'Invalid arguments to "split"');
  at(d, 3, 59);
  assert.match(d.detail ?? '', /want 3 got 2/);
});

test('two builders with the same name', () => {
  const text = `{\n  "builders": [\n    {"type": "null", "communicator": "none"},\n    {"type": "null", "communicator": "none"}\n  ]\n}`;
  at(errorFor(text, "builder 2: builder with name 'null' already exists"), 4, 14);
});

test('a builder without a type', () => {
  at(errorFor(`{\n  "builders": [\n    {"name": "x"}\n  ]\n}`, "builder 1: missing 'type'"), 3, 5);
});

test('an unknown builder type, with a suggestion', () => {
  const d = errorFor(`{\n  "builders": [\n    {"type": "dokcer", "image": "x"}\n  ]\n}`, 'Unknown builder type "dokcer"');
  at(d, 3, 14);
  assert.match(d.detail ?? '', /Did you mean "docker"\?/);
});

test('"only" naming a builder that does not exist', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioners": [{"type": "shell-local", "inline": ["x"],\n    "only": ["nul"]}]\n}`, "provisioner 1: 'only' specified builder 'nul' not found");
  at(d, 4, 14);
});

test('both "only" and "except" on one provisioner', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioners": [{"type": "shell-local", "inline": ["x"], "only": ["null"],\n    "except": ["null"]}]\n}`, "provisioner 1: only one of 'only' or 'except' may be specified");
  at(d, 4, 5);
});

test('"override" naming a builder that does not exist', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioners": [{"type": "shell-local", "inline": ["x"],\n    "override": {"amazon-ebs": {}}}]\n}`, "provisioner 1: override 'amazon-ebs' doesn't exist");
  at(d, 4, 18);
});

test('a post-processor sequence nested in a sequence', () => {
  at(errorFor(`{\n  ${B},\n  "post-processors": [["checksum", ["compress"]]]\n}`, 'post-processor 1.2: sequence not allowed to be nested in a sequence'), 3, 36);
});

test('a post-processor without a type', () => {
  at(errorFor(`{\n  ${B},\n  "post-processors": [\n    {"output": "x"}\n  ]\n}`, 'Missing post-processor type'), 4, 5);
});

test('min_packer_version above the Packer version Bakehouse follows', () => {
  const d = errorFor(`{\n  "min_packer_version": "1.15.0",\n  ${B}\n}`, 'This template requires Packer version 1.15.0 or higher; using 1.14.3');
  at(d, 2, 25);
  assert.match(d.detail ?? '', /Bakehouse follows Packer 1\.14\.3/);
});

test('an invalid pause_before duration', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioners": [{"type": "shell-local", "inline": ["x"], "pause_before": "10 seconds"}]\n}`, 'Invalid "pause_before" in provisioner 1');
  at(d, 3, 77);
});

test('max_retries that is not an integer', () => {
  const d = errorFor(`{\n  ${B},\n  "provisioners": [{"type": "shell-local", "inline": ["x"], "max_retries": "three"}]\n}`, 'Invalid "max_retries" in provisioner 1');
  at(d, 3, 76);
});

test('a setting the component does not have, in the plugin SDK\'s words', () => {
  const d = errorFor(`{\n  "builders": [{"type": "docker", "image": "x", "commit": true,\n    "imagee": "y"}]\n}`, `unknown configuration key: '"imagee"'`);
  at(d, 3, 5);
  assert.match(d.detail ?? '', /Did you mean "image"\?/);
});

test('a key `packer fix` rewrites is "deprecated" where the component names its plugin type to the SDK, unknown where not', () => {
  const iso = '"iso_url": "a.iso", "iso_checksum": "none", "ssh_username": "u", "iso_checksum_type": "md5"';
  const deprecated = errorFor(`{\n  "builders": [{"type": "virtualbox-iso", ${iso}}]\n}`, "Deprecated configuration key: 'iso_checksum_type'. Please call `packer fix` against your template to update your template to be compatible with the current version of Packer. Visit https://www.packer.io/docs/commands/fix/ for more detail.");
  at(deprecated, 2, 108);
  errorFor(`{\n  "builders": [{"type": "vmware-iso", ${iso}}]\n}`, `unknown configuration key: '"iso_checksum_type"'`);
  errorFor(`{\n  "builders": [{"type": "docker", "image": "x", "commit": true, "login_email": "a@b"}]\n}`, "Deprecated configuration key: 'login_email'. Please call `packer fix` against your template to update your template to be compatible with the current version of Packer. Visit https://www.packer.io/docs/commands/fix/ for more detail.");
});

test('no builders at all', () => {
  at(errorFor(`{\n  "builders": []\n}`, 'at least one builder must be defined'), 2, 15);
});

test('a -var-file value that is not a string points into the var file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'legacy-'));
  const file = join(dir, 'vars.json');
  writeFileSync(file, '{\n  "count": 3\n}');
  const d = errorFor(`{\n  "variables": {"count": "1"},\n  ${B}\n}`, 'Invalid value for variable "count"', { varFiles: [file] });
  at(d, 2, 12, file);
});

test('a -var-file that does not exist', () => {
  const r = loadLegacyTemplateText(`{${B}}`, 'bad.json', { varFiles: ['/nonexistent/vars.json'] });
  assert.equal(r.diagnostics[0].summary, 'Failed to read variables file "/nonexistent/vars.json"');
  assert.equal(r.diagnostics[0].range, undefined);
});

test('-syntax-only reports what Packer\'s parser rejects, not what its validation rejects', () => {
  const text = `{\n  "variables": {"token": null},\n  "builders": [{"type": "null", "communicator": "none"}],\n  "provisioners": [{"type": "shell-local", "inline": ["x"], "only": ["nope"]}],\n  "oops": 1\n}`;
  const r = loadLegacyTemplateText(text, 'bad.json', { syntaxOnly: true, env: {} });
  assert.deepEqual(r.diagnostics.map((d) => d.summary), ["Unknown root level key in template: 'oops'"]);
  const full = loadLegacyTemplateText(text.replace(',\n  "oops": 1', ''), 'bad.json', { env: {} });
  assert.deepEqual(full.diagnostics.map((d) => d.summary).sort(), ["provisioner 1: 'only' specified builder 'nope' not found", 'required variable not set: token']);
});

test('like Packer, a later phase is not reported while an earlier one fails', () => {
  const settings = '"builders": [{"type": "docker", "image": "x", "commit": true, "bogus": 1}]';
  const parse = loadLegacyTemplateText(`{${settings}, "oops": 1, "min_packer_version": "9.0.0"}`, 'bad.json', { env: {} });
  assert.deepEqual(parse.diagnostics.map((d) => d.summary), ["Unknown root level key in template: 'oops'"]);
  const checks = loadLegacyTemplateText(`{${settings}, "min_packer_version": "9.0.0"}`, 'bad.json', { env: {} });
  assert.deepEqual(checks.diagnostics.map((d) => d.summary), ['This template requires Packer version 9.0.0 or higher; using 1.14.3']);
  const prepare = loadLegacyTemplateText(`{${settings}}`, 'bad.json', { env: {} });
  assert.deepEqual(prepare.diagnostics.map((d) => d.summary), [`unknown configuration key: '"bogus"'`]);
});

test('clean_resource_name exists only for builders that define it', () => {
  const d = errorFor(`{
  "builders": [{"type": "docker", "image": "x", "commit": true,
    "changes": ["{{ clean_resource_name \`a b\` }}"]}]
}`, 'Unknown template function "clean_resource_name"');
  at(d, 3, 21);
});

test('an unset required variable is reported once, not again where it is used', () => {
  const text = `{\n  "variables": {"token": null},\n  "builders": [{"type": "null", "communicator": "none", "name": "b-{{user \`token\`}}"}]\n}`;
  const r = loadLegacyTemplateText(text, 'bad.json', { env: {} });
  assert.deepEqual(r.diagnostics.map((d) => d.summary), ['required variable not set: token']);
});

test('a misspelt function next to build-time data is still reported', () => {
  const d = errorFor(`{\n  "builders": [{"type": "docker", "image": "x", "commit": true,\n    "run_command": ["{{ .Image | lowr }}"]}]\n}`, 'Unknown template function "lowr"');
  at(d, 3, 34);
  assert.match(d.detail ?? '', /Did you mean "lower"\?/);
});

test('a JSON parse error carries Packer 1.14\'s hint about HCL2 file extensions', () => {
  const d = errorFor('source "docker" "x" {\n  image = "debian"\n}\n', "Error parsing JSON: invalid character 's' looking for beginning of value");
  assert.match(d.detail ?? '', /if you are using an HCL template, check your file extensions; they should be either \*\.pkr\.hcl or \*\.pkr\.json\.$/);
});
