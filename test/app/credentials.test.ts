/**
 * The credentials service through the contract, as the app calls it: a passphrase vault is made and unlocked through the
 * service, secrets go in and never come back (in no answer, in no encoding), edits keep what they do not name, problems
 * name their field, bindings refuse kinds that do not fit, and a build takes the secret bound to its sensitive variable
 * with the value masked in every event and the run log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHost } from '../../core/app/host';
import type { RunEventBatch } from '../../core/contract/events';
import { secretForms } from '../../core/engine/mask';
import { runLogPath } from '../../core/engine/runlog';
import { workspace } from './fixtures';

const PASSPHRASE = 'app passphrase 7c1d';
const SECRET = 'db-Pa55/word+app-3e8a9f';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYapp-test';

/** The secret in clear, in every form the masker knows, and in hex. */
function leaks(text: string, secret: string): string[] {
  return [...secretForms(secret), Buffer.from(secret, 'utf8').toString('hex')].filter((f) => text.includes(f));
}

function passphraseHost(dataDir: string) {
  // No keyring here: the vault is protected by the passphrase given through `unlock`.
  return createHost({ dataDir, env: { PATH: process.env.PATH, BAKEHOUSE_VAULT_KEYRING: '0' } });
}

test('a passphrase vault through the contract: locked until unlocked, secrets in and never out, edits keep what they do not name', async () => {
  const ws = workspace();
  const host = passphraseHost(ws.dataDir);
  const api = host.handlers.credentials;
  const answers: unknown[] = [];
  const seen = <T>(r: T): T => (answers.push(r), r);

  const fresh = seen(await api.status({}));
  assert.ok(fresh.ok);
  assert.equal(fresh.value.protection, 'none-yet');

  // No keyring and no passphrase yet: the first add asks for one.
  const first = seen(await api.add({ kind: 'secret', name: 'db', fields: { value: SECRET } }));
  assert.ok(!first.ok);
  assert.equal(first.error.code, 'locked');
  assert.match(first.error.message, /choose a passphrase/);

  assert.ok(seen(await api.unlock({ passphrase: PASSPHRASE })).ok);
  const added = seen(await api.add({ kind: 'secret', name: 'db', fields: { value: SECRET } }));
  assert.ok(added.ok, JSON.stringify(added));
  assert.deepEqual(added.value, { name: 'db', kind: 'secret', fields: ['value'], lastTest: null, usedBy: [] });
  const status = seen(await api.status({}));
  assert.ok(status.ok);
  assert.deepEqual([status.value.protection, status.value.locked], ['passphrase', false]);

  const aws = seen(await api.add({ kind: 'amazon', name: 'prod', fields: { access_key: 'AKIAAPPTEST7Q2X9ZPL', secret_key: AWS_SECRET } }));
  assert.ok(aws.ok, JSON.stringify(aws));

  // Every problem of the form at once, each naming its field.
  const bad = seen(await api.add({ kind: 'amazon', name: 'has space', fields: { access_key: 'AKIA' } }));
  assert.ok(!bad.ok);
  assert.equal(bad.error.code, 'invalid-input');
  const fields = (bad.error.problems ?? []).map((p) => p.field).sort();
  assert.deepEqual(fields, ['name', 'secret_key']);
  const block = seen(await api.add({ kind: 'amazon', name: 'x', fields: { profile: 'p', assume_role: { session_name: 'x' } } }));
  assert.ok(!block.ok);
  assert.deepEqual(block.error.problems?.map((p) => p.field), ['assume_role.role_arn']);
  const duplicate = seen(await api.add({ kind: 'secret', name: 'db', fields: { value: 'x' } }));
  assert.ok(!duplicate.ok);
  assert.deepEqual(duplicate.error.problems?.map((p) => p.field), ['name']);

  // An edit that names no secret keeps it; one that gives it replaces it; null removes an optional field.
  const edited = seen(await api.edit({ name: 'prod', fields: { token: 'session-token-app-91d2' } }));
  assert.ok(edited.ok, JSON.stringify(edited));
  assert.deepEqual(edited.value.fields, ['access_key', 'secret_key', 'token']);
  const dropped = seen(await api.edit({ name: 'prod', fields: { token: null } }));
  assert.ok(dropped.ok);
  assert.deepEqual(dropped.value.fields, ['access_key', 'secret_key']);
  const emptied = seen(await api.edit({ name: 'prod', fields: { secret_key: null } }));
  assert.ok(!emptied.ok);
  assert.deepEqual(emptied.error.problems?.map((p) => p.field), ['secret_key']);

  const listed = seen(await api.list({}));
  assert.ok(listed.ok);
  assert.deepEqual(listed.value.map((c) => [c.name, c.kind, c.fields]), [['db', 'secret', ['value']], ['prod', 'amazon', ['access_key', 'secret_key']]]);

  // A secret has no provider to ask: the test says so, and the vault keeps the outcome as its last test.
  const tested = seen(await api.test({ name: 'db' }));
  assert.ok(tested.ok, JSON.stringify(tested));
  assert.equal(tested.value.ok, false);
  assert.match(tested.value.message, /no provider/);
  const afterTest = seen(await api.list({}));
  assert.ok(afterTest.ok);
  assert.deepEqual(afterTest.value.find((c) => c.name === 'db')?.lastTest, tested.value);

  const all = JSON.stringify(answers);
  assert.deepEqual(leaks(all, SECRET), []);
  assert.deepEqual(leaks(all, AWS_SECRET), []);
  assert.deepEqual(leaks(all, PASSPHRASE), []);

  // Another session (the app started again) finds the vault locked; a wrong passphrase is refused and changes nothing.
  const later = passphraseHost(ws.dataDir).handlers.credentials;
  const locked = await later.status({});
  assert.ok(locked.ok);
  assert.equal(locked.value.locked, true);
  const refused = await later.edit({ name: 'prod', fields: { token: 't' } });
  assert.ok(!refused.ok);
  assert.equal(refused.error.code, 'locked');
  const wrong = await later.unlock({ passphrase: 'not it' });
  assert.ok(!wrong.ok);
  assert.equal(wrong.error.code, 'locked');
  assert.match(wrong.error.message, /wrong passphrase/);
  const right = await later.unlock({ passphrase: PASSPHRASE });
  assert.ok(right.ok);
  assert.equal(right.value.locked, false);
  // Listing needs no key: names and kinds are readable.
  assert.ok((await later.list({})).ok);
  await host.dispose();
});

test('bindings: kept per template beside it in the data folder, kinds checked, usedBy listed, forgotten with the credential; a build takes the bound secret, masked', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH, BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: PASSPHRASE } });
  const api = host.handlers.credentials;
  assert.ok((await api.add({ kind: 'secret', name: 'db', fields: { value: SECRET } })).ok);
  assert.ok((await api.add({ kind: 'docker', name: 'hub', fields: { login_username: 'me', login_password: 'hub-token-app-55c1' } })).ok);

  const wrongKinds = await api.setBindings({ template: ws.templatePath, sources: { 'null.box': 'db' }, variables: { password: 'hub', greeting: 'nope' } });
  assert.ok(!wrongKinds.ok);
  assert.deepEqual(wrongKinds.error.problems?.map((p) => p.field), ['sources.null.box', 'variables.password', 'variables.greeting']);

  const set = await api.setBindings({ template: ws.templatePath, sources: {}, variables: { password: 'db' } });
  assert.ok(set.ok, JSON.stringify(set));
  const read = await api.bindings({ template: ws.templatePath });
  assert.ok(read.ok);
  assert.deepEqual(read.value, { template: ws.templatePath, sources: {}, variables: { password: 'db' } });
  assert.ok(!readFileSync(ws.templatePath, 'utf8').includes('db'), 'the template itself is not changed');
  const listed = await api.list({});
  assert.ok(listed.ok);
  assert.deepEqual(listed.value.find((c) => c.name === 'db')?.usedBy, [ws.templatePath]);

  // The template echoes `pw=${var.password}`: the bound secret replaces its default, and every event masks it.
  const started = await host.handlers.builds.start({ path: ws.templatePath, only: ['null.box'] });
  assert.ok(started.ok, JSON.stringify(started));
  const batches: RunEventBatch[] = [];
  host.subscribeRun(started.value.runId, (b) => batches.push(b));
  await host.whenRunDone(started.value.runId);
  const events = JSON.stringify(batches);
  assert.match(events, /pw=<sensitive>/);
  assert.match(events, /"result":"succeeded"/);
  assert.deepEqual(leaks(events, SECRET), []);
  assert.deepEqual(leaks(readFileSync(runLogPath(ws.dataDir, started.value.runId), 'utf8'), SECRET), []);

  // A docker credential bound to a null build fits nothing in it: the build is refused, naming both, not run without it.
  assert.ok((await api.setBindings({ template: ws.templatePath, sources: { 'null.box': 'hub' }, variables: { password: 'db' } })).ok);
  const refused = await host.handlers.builds.start({ path: ws.templatePath, only: ['null.box'] });
  assert.ok(!refused.ok);
  assert.match(refused.error.message, /"hub" \(docker\) fits nothing in build null\.box/);
  // A binding of a build left out of the run does not stop it.
  const other = await host.handlers.builds.start({ path: ws.templatePath, only: ['null.other'] });
  assert.ok(other.ok, JSON.stringify(other));
  await host.whenRunDone(other.value.runId);

  assert.ok((await api.remove({ name: 'db' })).ok);
  const after = await api.bindings({ template: ws.templatePath });
  assert.ok(after.ok);
  assert.deepEqual(after.value.variables, {});
  assert.deepEqual(after.value.sources, { 'null.box': 'hub' });
  await host.dispose();
});

test('import through the contract: what the file holds is added, a name already taken is passed over, no value comes back', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH, HOME: ws.dir, BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: PASSPHRASE } });
  const api = host.handlers.credentials;
  const password = 'docker-config-pw-63ae';
  const config = join(ws.dir, 'config.json');
  writeFileSync(config, JSON.stringify({ auths: { 'registry.example.test:5000': { auth: Buffer.from(`baker:${password}`).toString('base64') } } }));
  const first = await api.import({ source: 'docker', path: config });
  assert.ok(first.ok, JSON.stringify(first));
  assert.equal(first.value.added.length, 1);
  assert.equal(first.value.added[0].kind, 'docker');
  assert.deepEqual(first.value.added[0].fields, ['login_password', 'login_server', 'login_username']);
  const again = await api.import({ source: 'docker', path: config });
  assert.ok(again.ok);
  assert.deepEqual(again.value.added, []);
  assert.match(again.value.skipped.join('\n'), /already in the vault/);
  assert.deepEqual(leaks(JSON.stringify([first, again]), password), []);
  await host.dispose();
});
