import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DOCKER_CP, entriesFor, extractFlat, extractTar, openTar, packFlat, packTar, readTar } from '../../core/archives/tar';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-tar-'));
  mkdirSync(join(dir, 'src/deep/er'), { recursive: true });
  writeFileSync(join(dir, 'src/deep/er/file.bin'), Buffer.alloc(1025, 7), { mode: 0o600 });
  writeFileSync(join(dir, 'src', `${'x'.repeat(150)}`), 'long name\n');
  symlinkSync('deep/er/file.bin', join(dir, 'src/link'));
  return dir;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

test('packTar writes an archive GNU tar reads: long names, modes, symlinks, root owner', async () => {
  const dir = tree();
  const archive = join(dir, 'a.tar');
  writeFileSync(archive, await collect(packTar(entriesFor(join(dir, 'src'), 'top'), DOCKER_CP)));
  const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' });
  assert.match(listing, /-rw------- root\/root\s+1025 .* top\/deep\/er\/file\.bin/);
  assert.match(listing, new RegExp(`top/${'x'.repeat(150)}`));
  assert.match(listing, /top\/link -> deep\/er\/file\.bin/);
});

test('extractTar reads what GNU tar writes (including GNU long names) and strips leading folders', async () => {
  const dir = tree();
  const archive = join(dir, 'gnu.tar');
  execFileSync('tar', ['--format=gnu', '-cf', archive, '-C', dir, 'src']);
  const out = join(dir, 'out');
  const count = await extractTar(Readable.from([readFileSync(archive)]), out, 1);
  assert.equal(count, 5);
  assert.equal(readFileSync(join(out, 'x'.repeat(150)), 'utf8'), 'long name\n');
  assert.equal(statSync(join(out, 'deep/er/file.bin')).mode & 0o777, 0o600);
  assert.equal(readlinkSync(join(out, 'link')), 'deep/er/file.bin');
});

test('readTar handles chunks split anywhere', async () => {
  const dir = tree();
  const whole = await collect(packTar(entriesFor(join(dir, 'src'), 'top'), DOCKER_CP));
  const chunks: Buffer[] = [];
  for (let i = 0; i < whole.length; i += 37) chunks.push(whole.subarray(i, i + 37));
  const seen: string[] = [];
  await readTar(Readable.from(chunks), async (e, content) => {
    let size = 0;
    for await (const c of content) size += c.length;
    seen.push(`${e.type} ${e.name} ${size}`);
  });
  assert.deepEqual(seen, [
    'directory top/ 0',
    'directory top/deep/ 0',
    'directory top/deep/er/ 0',
    'file top/deep/er/file.bin 1025',
    'symlink top/link 0',
    `file top/${'x'.repeat(150)} 10`,
  ]);
});

test('extractTar refuses entries that climb out of the destination', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-tar-'));
  writeFileSync(join(dir, 'evil'), 'x');
  const archive = join(dir, 'evil.tar');
  execFileSync('tar', ['-cf', archive, '-C', dir, '--transform', 's,^evil,../evil,', '-P', 'evil']);
  await assert.rejects(extractTar(Readable.from([readFileSync(archive)]), join(dir, 'out')), /outside the destination/);
});

test('packFlat writes files under their base names with their owner and time zero, as Packer does, long names included', async () => {
  const dir = tree();
  const long = join(dir, 'src', 'x'.repeat(150));
  const archive = join(dir, 'flat.tar');
  writeFileSync(archive, await collect(packFlat([join(dir, 'src/deep/er/file.bin'), long])));
  const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', archive], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  const { uid, gid } = statSync(long);
  assert.match(listing, new RegExp(`^-rw------- ${uid}/${gid}\\s+1025 1970-01-01 00:00:00 file\\.bin$`, 'm'));
  assert.match(listing, new RegExp(` ${'x'.repeat(150)}$`, 'm'));
});

test('openTar reads gzip-compressed archives as boxes hold them, and plain ones', async () => {
  const dir = tree();
  execFileSync('tar', ['-czf', join(dir, 'a.tar.gz'), '-C', join(dir, 'src'), 'deep']);
  execFileSync('tar', ['-cf', join(dir, 'a.tar'), '-C', join(dir, 'src'), 'deep']);
  for (const archive of ['a.tar.gz', 'a.tar']) {
    const out = join(dir, `flat-${archive}`);
    mkdirSync(out);
    assert.deepEqual(await extractFlat(openTar(join(dir, archive)), out), [join(out, 'file.bin')]);
    assert.deepEqual(readFileSync(join(out, 'file.bin')), Buffer.alloc(1025, 7));
  }
});

test('a file whose size differs from what it said fails the archive with its name', async () => {
  // /proc files say they are empty and then have content: a file that grew between its stat and its read.
  await assert.rejects(collect(packFlat(['/proc/self/status'])), /\/proc\/self\/status changed size while being archived/);
});
