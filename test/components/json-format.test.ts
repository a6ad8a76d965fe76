/** Legacy JSON templates decode more loosely than HCL2 (Packer's mapstructure, weakly typed); these match `packer validate` on JSON. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getSchema } from '../../core/components/registry';
import { validateComponent } from '../../core/components/validate';
import type { ComponentConfig } from '../../core/template/model';
import type { Diagnostic } from '../../core/template/source';
import { BLOCK, config } from './build-config';

function docker(c: ComponentConfig): Diagnostic[] {
  const schema = getSchema('builder', 'docker');
  assert.ok(schema);
  return validateComponent(schema, c, BLOCK, { format: 'json' });
}

test('JSON accepts a single string for a list, "t" for a bool and a number for a duration', () => {
  assert.deepEqual(docker(config({ image: 'x', commit: 't', changes: 'CMD x', ssh_port: '22', ssh_timeout: 10, author: 5 })), []);
});

test('JSON "false" for commit does not count as choosing commit', () => {
  const d = docker(config({ image: 'x', commit: 'false' }));
  assert.deepEqual(
    d.map((x) => x.summary),
    ['No instructions given for handling the artifact; expected commit, discard, or export_path'],
  );
});

test('JSON type errors use mapstructure\'s wording, at the field', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ pull: 'yes' }, 'cannot parse \'pull\' as bool: strconv.ParseBool: parsing "yes": invalid syntax'],
    [{ message: ['m'] }, "'message' expected type 'string', got unconvertible type '[]interface {}', value: '[m]'"],
    [{ run_command: [['a']] }, "'run_command[0]' expected type 'string', got unconvertible type '[]interface {}', value: '[a]'"],
    [{ volumes: ['a'] }, "'volumes[0]' expected a map, got 'string'"],
    [{ ssh_port: 'twenty' }, 'cannot parse \'ssh_port\' as int: strconv.ParseInt: parsing "twenty": invalid syntax'],
  ];
  for (const [fields, detail] of cases) {
    const diags = docker(config({ image: 'x', commit: true, ...(fields as Record<string, string>) }));
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.equal(diags[0].summary, 'Incorrect attribute value type');
    assert.equal(diags[0].detail, detail);
    assert.deepEqual([diags[0].range?.start.line, diags[0].range?.start.column], [4, 3]);
  }
});

test('a .json file (not .pkr.json) is read as legacy JSON without being told', () => {
  const schema = getSchema('builder', 'docker');
  assert.ok(schema);
  const c = config({ image: 'x', commit: true, changes: 'CMD x' });
  const range = (filename: string): typeof BLOCK => ({ ...BLOCK, filename });
  assert.deepEqual(validateComponent(schema, c, range('template.json')), []);
  assert.equal(validateComponent(schema, c, range('template.pkr.json')).length, 1);
  assert.equal(validateComponent(schema, c, range('template.pkr.hcl')).length, 1);
});
