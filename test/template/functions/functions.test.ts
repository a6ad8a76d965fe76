import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAbsolute, join } from 'node:path';
import { callFunction, FUNCTIONS } from '../../../core/template/functions';
import { bcryptHash } from '../../../core/template/functions/crypto';
import { formatValue } from '../../../core/template/values/format';
import { T_DYNAMIC, T_STRING } from '../../../core/template/values/type';
import { markSensitive, nullOf, num, object, str, tuple, unknownOf, type Value } from '../../../core/template/values/value';

const fixtures = join(__dirname, '../../fixtures/functions/files');
const ctx = { baseDir: fixtures, now: new Date('2020-01-02T03:04:05.678Z') };

function value(name: string, args: Value[], c: Parameters<typeof callFunction>[2] = ctx): Value {
  const r = callFunction(name, args, c);
  assert.ok(r.ok, r.ok ? '' : r.error.detail);
  return r.value;
}

// Probed from `packer console` 1.6.6: these names answer, every other one is "Call to unknown function".
const PACKER_166 = `abs abspath basename base64decode base64encode bcrypt can ceil chomp chunklist cidrhost cidrnetmask cidrsubnet
  cidrsubnets coalesce coalescelist compact concat contains convert csvdecode dirname distinct element file fileexists fileset
  flatten floor format formatdate formatlist indent index join jsondecode jsonencode keys length log lookup lower max md5 merge
  min parseint pathexpand pow range regex_replace replace reverse rsadecrypt setintersection setproduct setunion sha1 sha256
  sha512 signum slice sort split strrev substr timestamp timeadd title trim trimprefix trimspace trimsuffix try upper urlencode
  uuidv4 uuidv5 values yamldecode yamlencode zipmap aws_secretsmanager consul_key vault`.split(/\s+/);

test('every function of Packer 1.6.6 is there, and only newer ones are marked with since', () => {
  for (const name of PACKER_166) {
    const def = FUNCTIONS.get(name);
    assert.ok(def, `missing ${name}`);
    assert.equal(def.since, undefined, `${name} is in 1.6.6`);
  }
  for (const def of FUNCTIONS.values()) {
    if (!PACKER_166.includes(def.name)) assert.ok(def.since, `${def.name} is not in Packer 1.6.6, so it needs since`);
  }
});

test('each function describes itself for the editor', () => {
  for (const def of FUNCTIONS.values()) {
    assert.ok(def.signature.startsWith(`${def.name}(`), def.name);
    assert.ok(def.description.length > 10, def.name);
  }
});

test('try and can are listed but left to the evaluator', () => {
  for (const name of ['try', 'can']) {
    const r = callFunction(name, [str('x')], ctx);
    assert.ok(!r.ok);
    assert.match(r.error.detail, /evaluator/);
  }
});

test('a sensitive argument makes the result sensitive', () => {
  const v = value('upper', [markSensitive(str('secret'))]);
  assert.equal(v.sensitive, true);
  assert.equal(formatValue(v), '<sensitive>');
  const nested = value('join', [str(','), tuple([str('a'), markSensitive(str('b'))])]);
  assert.equal(nested.sensitive, true);
  assert.equal(value('upper', [str('x')]).sensitive, undefined);
});

test('an unknown argument gives an unknown result of the known return type', () => {
  const v = value('upper', [unknownOf(T_STRING)]);
  assert.deepEqual(v, unknownOf(T_STRING));
  assert.equal(value('jsondecode', [unknownOf(T_DYNAMIC)]).kind, 'unknown');
  assert.equal(value('join', [str(','), tuple([str('a'), unknownOf(T_STRING)])]).kind, 'unknown');
});

test('unknown functions and arity are reported in HCL words', () => {
  assert.deepEqual(callFunction('nosuch', [], ctx), {
    ok: false,
    error: { summary: 'Call to unknown function', detail: 'There is no function named "nosuch".' },
  });
  const r = callFunction('upper', [str('a'), str('b')], ctx);
  assert.ok(!r.ok);
  assert.equal(r.error.argIndex, 1);
});

test('timestamp() uses the evaluation time, in whole seconds', () => {
  assert.equal(formatValue(value('timestamp', [])), '2020-01-02T03:04:05Z');
  assert.match(formatValue(value('timestamp', [], { baseDir: '.' })), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('uuidv4() makes random version 4 UUIDs', () => {
  const a = formatValue(value('uuidv4', []));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, formatValue(value('uuidv4', [])));
});

test('bcrypt() hashes in the $2a$ format, with cost 10 by default', () => {
  assert.match(formatValue(value('bcrypt', [str('hello'), num(4)])), /^\$2a\$04\$[./A-Za-z0-9]{53}$/);
  assert.match(formatValue(value('bcrypt', [str('hello'), num(3)])), /^\$2a\$10\$/);
  const r = callFunction('bcrypt', [str('a'), num(32)], ctx);
  assert.ok(!r.ok);
  assert.match(r.error.detail, /cost 32 is outside allowed range \(4,31\)/);
});

test('bcrypt() hashes match Packer 1.6.6 given the same salt', () => {
  // The first hash was printed by `packer console` 1.6.6, the second is OpenBSD's published vector; each carries its salt.
  for (const [password, hash] of [
    ['hello', '$2a$05$8uGYXVDJcb2yIzWo5BUhM.pfxqGxYWM.QFguID0gEfI7bwc9Eql.q'],
    ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ]) {
    assert.equal(bcryptHash(password, Number(hash.slice(4, 6)), hash.slice(7, 29)), hash);
  }
});

test('abspath() resolves against the working folder', () => {
  const p = formatValue(value('abspath', [str('x/y')]));
  assert.ok(isAbsolute(p));
  assert.ok(p.endsWith('/x/y'));
});

test('templatefile() renders through the evaluator it is given', () => {
  const seen: string[] = [];
  const renderTemplate = (text: string, filename: string, vars: Value) => {
    seen.push(filename);
    const name = vars.kind === 'object' && vars.attrs.name.kind === 'string' ? vars.attrs.name.value : '';
    return str(text.replace('${name}', name));
  };
  const v = value('templatefile', [str('greet.tpl'), object({ name: str('Ada') })], { ...ctx, renderTemplate });
  assert.equal(formatValue(v), 'Hi Ada!');
  assert.equal(seen[0], join(fixtures, 'greet.tpl'));
  const r = callFunction('templatefile', [str('greet.tpl'), object({})], ctx);
  assert.ok(!r.ok);
});

test('remote secret functions say what they would need', () => {
  const r = callFunction('vault', [str('secret/x'), str('k')], ctx);
  assert.ok(!r.ok);
  assert.equal(r.error.detail, 'Call to function "vault" failed: vault is not available in Bakehouse yet: it needs a HashiCorp Vault server.');
  const a = callFunction('aws_secretsmanager', [str('n'), str('k')], ctx);
  assert.ok(!a.ok && a.error.detail.includes('AWS Secrets Manager'));
});

test('convert() reads the type expression the evaluator passes as text', () => {
  assert.equal(formatValue(value('convert', [tuple([num(1)]), str('list(string)')])), '[\n  "1",\n]');
  const v = value('convert', [object({ a: num(1) }), str('object({a=number, b=optional(string)})')]);
  assert.deepEqual(v, object({ a: num(1), b: nullOf(T_STRING) }));
});
