/**
 * The emulator started on its own as a person would (`node --import tsx test/emulators/gce/main.ts --port N`): it
 * prints its CA file, custom_endpoints and key file, and with exactly those Bakehouse's own google credential test, in
 * another process, gets a token from the emulator's token endpoint; a Compute call without a token is refused with
 * Google's error JSON. SIGINT stops it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../support/sshd';
import { TSX_LOADER } from '../../support/tsx';

const ROOT = join(__dirname, '..', '..', '..');

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => child.once('exit', () => resolve(out)));
}

test('main.ts serves on the port asked and prints what a client needs; a client with those settings gets a token', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(__dirname, 'main.ts'), '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (!out.includes('credentials_file') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const value = (re: RegExp): string => re.exec(out)?.[1] ?? assert.fail(`no ${re.source} in:\n${out}`);
    assert.equal(value(/custom_endpoints = \{ compute = "([^"]+)" \}/), `https://127.0.0.1:${port}/compute/v1/`);
    const ca = value(/NODE_EXTRA_CA_CERTS=(\S+)/);
    const keyFile = value(/credentials_file = "([^"]+)"/);
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: ca };
    const probe = `require(${JSON.stringify(join(ROOT, 'core/credentials/probe/google.ts'))}).probeGoogle({ name: 'emu', kind: 'google', fields: { account_file: require('node:fs').readFileSync(${JSON.stringify(keyFile)}, 'utf8') } }, { env: process.env }).then((o) => process.stdout.write(JSON.stringify(o)))`;
    const answer = JSON.parse(await run(['--import', TSX_LOADER, '-e', probe], env)) as { ok: boolean; message: string };
    const email = (JSON.parse(readFileSync(keyFile, 'utf8')) as { client_email: string }).client_email;
    assert.deepEqual(answer, { ok: true, message: `https://127.0.0.1:${port}/token issued an access token to ${email}` });
    const anonymous = `fetch('https://127.0.0.1:${port}/compute/v1/projects/bakehouse-emulator/zones/us-central1-a').then(async (r) => process.stdout.write(r.status + ' ' + await r.text()))`;
    const refused = await run(['-e', anonymous], env);
    assert.match(refused, /^401 \{"error":\{"code":401,"message":"Request had invalid authentication credentials\..*"status":"UNAUTHENTICATED"\}\}$/);
  } finally {
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  }
});
