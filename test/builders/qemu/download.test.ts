import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { downloadStep, type DownloadState } from '../../../core/builders/qemu/download';
import type { Ui } from '../../../core/engine/plugin';
import type { StepContext } from '../../../core/engine/steps';
import { runBuild, workDir } from './harness';

let server: Server;
let base = '';
let dir = '';
const requests: string[] = [];
const files = new Map<string, Buffer>();

before(async () => {
  dir = workDir();
  // A tiny but real qcow2 disk, so a build can boot it (into an empty BIOS) and finish without a guest.
  const disk = join(dir, 'tiny.qcow2');
  execFileSync('qemu-img', ['create', '-f', 'qcow2', disk, '16M']);
  files.set('/tiny.qcow2', readFileSync(disk));
  const sum = createHash('sha256').update(files.get('/tiny.qcow2') as Buffer).digest('hex');
  files.set('/SHA256SUMS', Buffer.from(`${'0'.repeat(64)}  other.iso\n${sum}  tiny.qcow2\n`));
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => server.close());

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

/** Builder fields for a machine with no communicator that boots the tiny disk and is stopped straight away. */
function tinyBuild(fields: Record<string, string | boolean | string[]>): Record<string, string | boolean | string[]> {
  return { disk_image: true, communicator: 'none', headless: true, disable_vnc: true, boot_wait: '0s', disk_size: '16M', ...fields };
}

function recordingUi(lines: string[]): Ui {
  return {
    say: (t) => lines.push(t),
    message: (t) => lines.push(t),
    error: (t) => lines.push(`error: ${t}`),
    output: (_s, l) => lines.push(l),
    log: (l) => lines.push(l),
    ask: async () => 'cleanup',
  };
}

async function download(urls: string[], checksum: string, cache: string): Promise<{ result: string; path?: string; lines: string[] }> {
  const lines: string[] = [];
  const state: DownloadState = { generated: {} };
  const step = downloadStep({ urls, checksum, targetPath: '', targetExtension: 'iso', cwd: dir, env: { PACKER_CACHE_DIR: cache }, what: 'ISO' });
  const ctx: StepContext = { signal: new AbortController().signal, ui: recordingUi(lines), track: () => ({ release: () => undefined, created: () => undefined }) };
  const r = await step.run(state, ctx);
  return { result: r.ok ? 'continue' : r.error, path: state.downloaded, lines };
}

test('a disk image over HTTP with a sha256 checksum: downloaded into the cache, verified, reused by the next build', async () => {
  const cwd = workDir();
  const env = { ...process.env, PACKER_CACHE_DIR: join(cwd, 'cache') };
  const sum = sha256(files.get('/tiny.qcow2') as Buffer);
  const before = requests.length;
  const first = await runBuild({ builder: tinyBuild({ iso_url: `${base}/tiny.qcow2`, iso_checksum: `sha256:${sum}` }) }, cwd, { env });
  assert.equal(first.summary.builds[0].result, 'succeeded', first.summary.builds[0].error);
  assert.equal(requests.length - before, 1);
  const cached = readdirSync(join(cwd, 'cache'));
  assert.equal(cached.length, 1);
  assert.match(cached[0], /^[0-9a-f]{40}\.iso$/);
  const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', join(cwd, 'output-test', 'packer-test')], { encoding: 'utf8' })) as { format: string };
  assert.equal(info.format, 'qcow2');
  assert.deepEqual(first.summary.builds[0].artifacts.map((a) => [a.builderId, a.id, a.files, a.text]), [
    ['transcend.qemu', 'VM', ['output-test/packer-test'], 'VM files in directory: output-test'],
  ]);

  const second = await runBuild({ builder: tinyBuild({ iso_url: `${base}/tiny.qcow2`, iso_checksum: `sha256:${sum}`, output_directory: 'out2' }) }, cwd, { env });
  assert.equal(second.summary.builds[0].result, 'succeeded', second.summary.builds[0].error);
  assert.equal(requests.length - before, 1, 'the second build uses the cached copy');
  assert.ok(second.log.some((l) => l.startsWith('Using the cached copy ')));
});

test('a wrong checksum fails the build naming the expected and the actual sum, and leaves nothing in the cache', async () => {
  const cwd = workDir();
  const env = { ...process.env, PACKER_CACHE_DIR: join(cwd, 'cache') };
  const wrong = 'a'.repeat(64);
  const actual = sha256(files.get('/tiny.qcow2') as Buffer);
  const r = await runBuild({ builder: tinyBuild({ iso_url: `${base}/tiny.qcow2`, iso_checksum: `sha256:${wrong}` }) }, cwd, { env });
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.equal(b.error, `Error downloading disk image: Checksum did not match for ${base}/tiny.qcow2: expected sha256:${wrong}, got sha256:${actual}`);
  assert.deepEqual(readdirSync(join(cwd, 'cache')), []);
  assert.equal(existsSync(join(cwd, 'output-test')), false);
});

test('checksum forms: md5:, a bare sum, file:URL of a SHA256SUMS list, none; iso_urls fall through to the next', async () => {
  const cache = join(workDir(), 'cache');
  const body = files.get('/tiny.qcow2') as Buffer;
  const url = `${base}/tiny.qcow2`;
  assert.equal((await download([url], `md5:${md5(body)}`, cache)).result, 'continue');
  assert.equal((await download([url], sha256(body), cache)).result, 'continue');
  const listed = await download([url], `file:${base}/SHA256SUMS`, cache);
  assert.equal(listed.result, 'continue');
  assert.ok(listed.path?.startsWith(cache));
  const none = await download([url], 'none', cache);
  assert.equal(none.result, 'continue');
  assert.ok(none.lines.includes('Skipping ISO checksum verification: iso_checksum is "none"'));

  // A fresh cache: a cached file with the right sum would be used whichever URL is tried.
  const fallback = await download([`${base}/missing.iso`, url], `md5:${md5(body)}`, join(workDir(), 'cache'));
  assert.equal(fallback.result, 'continue');
  assert.ok(fallback.lines.includes(`error: ${base}/missing.iso: HTTP 404 Not Found`), fallback.lines.join('\n'));

  const bad = await download([url], `md5:${'0'.repeat(32)}`, join(workDir(), 'cache'));
  assert.equal(bad.result, `Error downloading ISO: Checksum did not match for ${url}: expected md5:${'0'.repeat(32)}, got md5:${md5(body)}`);
  const notListed = await download([`${base}/nope.iso`], `file:${base}/SHA256SUMS`, cache);
  // go-getter's words, as Packer's Prepare and StepDownload say them.
  assert.equal(notListed.result, `Error downloading ISO: no checksum found in: ${base}/SHA256SUMS`);
});

test('a local file is verified and used in place', async () => {
  const local = join(dir, 'local.iso');
  writeFileSync(local, 'hello');
  const cache = join(workDir(), 'cache');
  const r = await download(['local.iso'], `sha256:${sha256(Buffer.from('hello'))}`, cache);
  assert.equal(r.result, 'continue');
  assert.equal(r.path, local);
  assert.equal(existsSync(cache), false);
  const bad = await download([`file://${local}`], `sha256:${'1'.repeat(64)}`, cache);
  assert.equal(bad.result, `Error downloading ISO: Checksum did not match for file://${local}: expected sha256:${'1'.repeat(64)}, got sha256:${sha256(Buffer.from('hello'))}`);
});
