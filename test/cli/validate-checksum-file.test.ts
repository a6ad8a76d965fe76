/**
 * `iso_checksum = "file:<url>"`: `bakehouse validate` downloads the checksum file and looks the ISO up in it, as Packer
 * 1.14's ISOConfig Prepare does through go-getter, and fails in Packer's words at the source block. Each case runs the
 * real CLI (the bundle, in a child process, as a user runs it) against a checksum file served on a loopback port, a
 * host that does not exist, or a local path; where Packer 1.14 is at hand, it runs on the same template and must say the
 * same thing at the same line. The editor's as-you-type validation never sends the request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHost } from '../../core/app/host';
import { PACKER_1_14, runReferencePackerAsync } from '../support/reference-packer';
import { BIN, type CliRun } from './run-cli';

const SUM = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const LISTS: Record<string, string> = {
  '/SHA256SUMS': `${'0'.repeat(64)}  alpine-virt.iso\n${SUM} *alpine-extended.iso\n`,
  '/OTHER.sha256': `${SUM}  other.iso\n`,
};

/** A checksum file server on a loopback port: the lists above, 404 for anything else; it records each path asked for. */
async function withServer(run: (base: string, asked: string[]) => Promise<void>): Promise<void> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    const list = LISTS[req.url ?? ''];
    if (list) res.writeHead(200, { 'Content-Type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : list);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A qemu (or other ISO builder's) template whose source block starts on line 5. */
function template(isoUrl: string, checksum: string, type = 'qemu'): string {
  return `variable "user" {
  default = "root"
}

source "${type}" "alpine" {
  iso_url          = "${isoUrl}"
  iso_checksum     = "${checksum}"
  ssh_username     = var.user
  shutdown_command = "poweroff"
}

build {
  sources = ["source.${type}.alpine"]
}
`;
}

function workspace(text: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-checksum-file-'));
  writeFileSync(join(dir, 'alpine.pkr.hcl'), text);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

/** `bakehouse ARGS` in `dir`, without blocking this process (its server must answer meanwhile). */
function bakehouse(dir: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The one error Bakehouse printed, and the line it points at. */
function bakehouseError(r: CliRun): { message: string; line: number } {
  const m = /^Error: (.*)\n\n {2}on alpine\.pkr\.hcl line (\d+):/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return { message: m[1], line: Number(m[2]) };
}

/** Packer 1.14's verdict on the same folder: its errors (the `* ` items) and the line it names, or why it was not asked. */
async function packerSays(dir: string): Promise<{ valid: boolean; messages: string[]; line?: number } | undefined> {
  const { packer } = PACKER_1_14;
  if (!packer) return undefined;
  const r = await runReferencePackerAsync(packer, ['validate', 'alpine.pkr.hcl'], { cwd: dir });
  // Packer writes its errors to stdout when that is not a terminal.
  const out = r.stdout + r.stderr;
  const line = /on alpine\.pkr\.hcl line (\d+):/.exec(out)?.[1];
  const messages = [...out.matchAll(/^\* (.*)$/gm)].map((m) => m[1]);
  return { valid: r.status === 0, messages, ...(line ? { line: Number(line) } : {}) };
}

/** Bakehouse said what Packer 1.14 says (when it is here to ask): the same error at the same line, or both valid. */
async function agreesWithPacker(dir: string, r: CliRun): Promise<void> {
  const packer = await packerSays(dir);
  if (!packer) return;
  if (r.code === 0) {
    assert.equal(packer.valid, true, 'Packer 1.14 found the template invalid');
    return;
  }
  const ours = bakehouseError(r);
  assert.deepEqual({ messages: packer.messages, line: packer.line }, { messages: [ours.message], line: ours.line });
}

test('validate: a checksum file that lists the ISO passes, after one download of the list', async () => {
  await withServer(async (base, asked) => {
    const dir = workspace(template(`${base}/alpine-extended.iso`, `file:${base}/SHA256SUMS`));
    const r = await bakehouse(dir, ['validate', 'alpine.pkr.hcl']);
    assert.deepEqual(r, { code: 0, stdout: 'The configuration is valid.\n', stderr: '' });
    assert.deepEqual(asked, ['GET /SHA256SUMS']);
    await agreesWithPacker(dir, r);
  });
});

test('validate: a checksum file without the ISO fails with go-getter\'s "no checksum found" at the source block', async () => {
  await withServer(async (base) => {
    const dir = workspace(template(`${base}/alpine-extended.iso`, `file:${base}/OTHER.sha256`));
    const r = await bakehouse(dir, ['validate', 'alpine.pkr.hcl']);
    assert.equal(r.code, 1);
    assert.deepEqual(bakehouseError(r), { message: `no checksum found in: ${base}/OTHER.sha256 in "file:${base}/OTHER.sha256"`, line: 5 });
    assert.match(r.stderr, /line 5:\n {3}5: source "qemu" "alpine" \{\n/);
    await agreesWithPacker(dir, r);
  });
});

test('validate: a checksum file the server does not have (404) fails for virtualbox-iso too', async () => {
  await withServer(async (base) => {
    const dir = workspace(template(`${base}/alpine-extended.iso`, `file:${base}/gone/SHA256SUMS`, 'virtualbox-iso'));
    const r = await bakehouse(dir, ['validate', 'alpine.pkr.hcl']);
    assert.equal(r.code, 1);
    assert.deepEqual(bakehouseError(r), { message: `Error downloading checksum file: bad response code: 404 in "file:${base}/gone/SHA256SUMS"`, line: 5 });
    await agreesWithPacker(dir, r);
  });
});

test('validate: a checksum file on a host that does not exist fails with Go\'s DNS error, naming the resolver', async () => {
  const url = 'https://checksums.bakehouse.invalid/alpine/SHA256SUMS';
  const dir = workspace(template('https://checksums.bakehouse.invalid/alpine/alpine-extended.iso', `file:${url}`));
  const r = await bakehouse(dir, ['validate', 'alpine.pkr.hcl']);
  assert.equal(r.code, 1);
  const { message, line } = bakehouseError(r);
  assert.equal(line, 5);
  assert.match(message, /^Error downloading checksum file: Get "https:\/\/checksums\.bakehouse\.invalid\/alpine\/SHA256SUMS": dial tcp: lookup checksums\.bakehouse\.invalid on [\d.:[\]a-f]+:53: no such host in "file:https:\/\/checksums\.bakehouse\.invalid\/alpine\/SHA256SUMS"$/);
  await agreesWithPacker(dir, r);
});

test('validate: a local checksum file is read from the folder validate runs in, and a missing one is go-getter\'s stat error', async () => {
  const dir = workspace(template('alpine-extended.iso', 'file:./SHA256SUMS'), { SHA256SUMS: LISTS['/SHA256SUMS'] });
  const r = await bakehouse(dir, ['validate', 'alpine.pkr.hcl']);
  assert.deepEqual(r, { code: 0, stdout: 'The configuration is valid.\n', stderr: '' });
  await agreesWithPacker(dir, r);

  const missing = workspace(template('alpine-extended.iso', 'file:checksums/SHA256SUMS'));
  const m = await bakehouse(missing, ['validate', 'alpine.pkr.hcl']);
  assert.equal(m.code, 1);
  assert.deepEqual(bakehouseError(m), { message: `Error downloading checksum file: source path error: stat ${join(missing, 'checksums/SHA256SUMS')}: no such file or directory in "file:checksums/SHA256SUMS"`, line: 5 });
  await agreesWithPacker(missing, m);
});

test('a legacy JSON template is prepared the same way, and `bakehouse build` stops there before starting anything', async () => {
  await withServer(async (base, asked) => {
    const builder = { type: 'qemu', iso_url: `${base}/alpine-extended.iso`, iso_checksum: `file:${base}/OTHER.sha256`, ssh_username: 'root', shutdown_command: 'poweroff' };
    const dir = workspace('');
    writeFileSync(join(dir, 'alpine.json'), `${JSON.stringify({ builders: [builder] }, null, 2)}\n`);
    const legacy = await bakehouse(dir, ['validate', 'alpine.json']);
    assert.equal(legacy.code, 1);
    assert.match(legacy.stderr, new RegExp(`^Error: no checksum found in: ${base}/OTHER\\.sha256 in "file:${base}/OTHER\\.sha256"\n`));

    writeFileSync(join(dir, 'alpine.pkr.hcl'), template(`${base}/alpine-extended.iso`, `file:${base}/OTHER.sha256`));
    asked.length = 0;
    const build = await bakehouse(dir, ['build', 'alpine.pkr.hcl']);
    assert.equal(build.code, 1);
    assert.deepEqual(bakehouseError(build), { message: `no checksum found in: ${base}/OTHER.sha256 in "file:${base}/OTHER.sha256"`, line: 5 });
    assert.deepEqual(asked, ['GET /OTHER.sha256'], 'the ISO itself is never asked for');
  });
});

test('validate -syntax-only and the editor\'s as-you-type validation send no request', async () => {
  await withServer(async (base, asked) => {
    const text = template(`${base}/alpine-extended.iso`, `file:${base}/OTHER.sha256`);
    const dir = workspace(text);
    const r = await bakehouse(dir, ['validate', '-syntax-only', 'alpine.pkr.hcl']);
    assert.equal(r.code, 0, r.stderr);
    const host = createHost({ dataDir: mkdtempSync(join(tmpdir(), 'bakehouse-checksum-data-')), env: {} });
    const filename = join(dir, 'alpine.pkr.hcl');
    const d = await host.call('templates.diagnostics', { root: dirname(filename), files: [{ filename, text }] });
    assert.ok(d.ok, JSON.stringify(d));
    assert.deepEqual(asked, []);
  });
});
