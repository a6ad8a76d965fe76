/**
 * How a checksum list is read, as go-getter v2's checksumFromFile reads it for Packer 1.14 (Prepare and StepDownload):
 * which line names the ISO, which lines are passed over, and what it says when none does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksumFromList } from '../../core/downloads/checksum';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const LIST_URL = 'https://example.com/releases/v1/SHA256SUMS';
const iso = (name: string): string => `https://example.com/releases/v1/${name}`;
const find = (list: string, isoUrl: string, listUrl = LIST_URL): string => {
  const r = checksumFromList(list, isoUrl, listUrl, '/work');
  return r.ok ? `${r.value.type}:${r.value.value}` : r.error;
};

test('GNU lines name the file as written, with "*" (binary) or "?" (shasum -p), or by its path from the list\'s folder', () => {
  assert.equal(find(`${A}  other.iso\n${B}  boot.iso\n`, iso('boot.iso')), `sha256:${B}`);
  assert.equal(find(`${B} *boot.iso\n`, iso('boot.iso')), `sha256:${B}`);
  assert.equal(find(`${B} ?boot.iso\n`, iso('boot.iso')), `sha256:${B}`);
  assert.equal(find(`${B}  ./boot.iso\n`, iso('boot.iso')), `sha256:${B}`);
  // A list naming files in sub-folders: by the path from the list's folder…
  assert.equal(find(`${A}  ./hwe-netboot/mini.iso\n${B}  ./netboot/mini.iso\n`, iso('netboot/mini.iso')), `sha256:${B}`);
  // …or any name the ISO's path contains, first line first: go-getter takes netboot/mini.iso for hwe-netboot/mini.iso.
  assert.equal(find(`${A}  ./netboot/mini.iso\n${B}  ./hwe-netboot/mini.iso\n`, iso('hwe-netboot/mini.iso')), `sha256:${A}`);
});

test('BSD lines give the hash by name; the type of a GNU line comes from the length of its sum', () => {
  assert.equal(find(`SHA256 (other.iso) = ${A}\nSHA512 (boot.iso) = ${B}${B}\n`, iso('boot.iso')), `sha512:${B}${B}`);
  assert.equal(find(`${'c'.repeat(32)}  boot.iso\n`, iso('boot.iso')), `md5:${'c'.repeat(32)}`);
  assert.equal(find(`MD5 (boot.iso) = ${'C'.repeat(32)}\n`, iso('boot.iso')), `md5:${'c'.repeat(32)}`);
});

test('comments, signatures, unreadable lines and sums of no known length are passed over', () => {
  const list = `# SHA256 sums\n-----BEGIN PGP SIGNED MESSAGE-----\n/ignored\nnot-hex  boot.iso\n${'d'.repeat(10)}  boot.iso\nSHA3 (boot.iso) = ${A}\n${B}  boot.iso\n`;
  assert.equal(find(list, iso('boot.iso')), `sha256:${B}`);
});

test('a line that names no file (a lone sum, or three fields) is taken for whatever file is checked', () => {
  assert.equal(find(`${A}\n`, iso('boot.iso')), `sha256:${A}`);
  assert.equal(find(`${A} boot.iso extra\n`, iso('other.iso')), `sha256:${A}`);
});

test('no line for the file, or a last line without a newline (go-getter stops reading there): "no checksum found in: URL"', () => {
  assert.equal(find(`${A}  other.iso\n`, iso('boot.iso')), `no checksum found in: ${LIST_URL}`);
  assert.equal(find(`${B}  boot.iso`, iso('boot.iso')), `no checksum found in: ${LIST_URL}`);
  assert.equal(find('', iso('boot.iso')), `no checksum found in: ${LIST_URL}`);
});

test('a local ISO is also known by its absolute path, from the folder Packer runs in', () => {
  assert.equal(find(`${B}  /work/images/boot.iso\n`, 'images/boot.iso', '/elsewhere/SUMS'), `sha256:${B}`);
  assert.equal(find(`${B}  images/boot.iso\n`, '/work/images/boot.iso', '/work/SUMS'), `sha256:${B}`);
});
