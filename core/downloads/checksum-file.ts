/**
 * Gets a checksum file (`iso_checksum = "file:<url>"`) as go-getter does for Packer: over HTTP(S) with Go's client, or
 * from a local path (relative paths from the folder Packer runs in). Packer's ISOConfig Prepare fetches it while a
 * template is validated or a build prepared, and StepDownload again to verify the ISO; Bakehouse's loader and its
 * download step both come here. A failure is go-getter's message, which Packer prints as is.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { err, ok, type Result } from '../common/result';
import { localFiles } from '../components/files';
import { httpRequest } from '../net/http-request';
import { checksumFromList, urlPath, type FileSum } from './checksum';

/** The list's text, or `Error downloading checksum file: …` in go-getter's words. */
export async function downloadChecksumFile(url: string, cwd: string, signal?: AbortSignal): Promise<Result<string>> {
  let got: Result<string>;
  try {
    got = await getFile(url, cwd, signal);
  } catch (e) {
    got = err((e as Error).message);
  }
  return got.ok ? got : err(`Error downloading checksum file: ${got.error}`);
}

/** The sum the checksum file at `listUrl` gives the ISO at `isoUrl` (see checksumFromList). */
export async function checksumFromFile(listUrl: string, isoUrl: string, cwd: string, signal?: AbortSignal): Promise<Result<FileSum>> {
  const list = await downloadChecksumFile(listUrl, cwd, signal);
  return list.ok ? checksumFromList(list.value, isoUrl, listUrl, cwd) : list;
}

async function getFile(url: string, cwd: string, signal: AbortSignal | undefined): Promise<Result<string>> {
  if (/^https?:\/\//i.test(url)) {
    const res = await httpRequest({ url, method: 'GET', headers: {}, body: '' }, signal);
    if (!res.ok) return res;
    // go-getter's HttpGetter takes 200 and 206 and names any other status.
    if (res.value.status !== 200 && res.value.status !== 206) return err(`bad response code: ${res.value.status}`);
    return ok(res.value.text);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1].toLowerCase();
  if (scheme && scheme !== 'file') return err(`Bakehouse gets checksum files over http, https and from local paths, not ${scheme}://`);
  // A local path, or a file:// URL; go-getter's FileDetector joins a relative one to the working folder.
  const written = /^file:\/\//i.test(url) ? urlPath(url) : url;
  const path = isAbsolute(written) ? written : join(cwd, written);
  const missing = localFiles(cwd).statError(path);
  if (missing) return err(`source path error: ${missing}`);
  if ((await stat(path)).isDirectory()) return err('source path must be a file');
  return ok(await readFile(path, 'utf8'));
}
