/**
 * A provisioner's fingerprint: everything that decides what it does to the machine — its type, its evaluated config, the
 * content of every local file or folder it uploads or runs, and the environment it sees — hashed into one value. It is
 * only ever fed to the salted key (key.ts), never stored.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { canonical } from './key';
import type { Plain } from '../template/values/value';

/**
 * Fields naming local files or folders a provisioner sends to the machine or runs (shell's script/scripts, file's
 * source/sources, ansible's playbook_file, …). Only these are read: any other string could name a host path by chance.
 */
const LOCAL_PATH_FIELDS = [
  'script',
  'scripts',
  'source',
  'sources',
  'playbook_file',
  'playbook_dir',
  'galaxy_file',
  'role_paths',
  'roles_path',
  'manifest_file',
  'manifest_dir',
  'module_paths',
  'hiera_config_path',
  'cookbook_paths',
  'data_bags_path',
  'environments_path',
  'local_state_tree',
  'local_pillar_roots',
  'minion_config',
] as const;

export interface FingerprintInput {
  type: string;
  config: Record<string, Plain>;
  /** PACKER_BUILD_NAME and PACKER_BUILDER_TYPE, which every script provisioner exports. */
  buildName: string;
  builderType: string;
  /** Where relative paths in the config are read from (the template's folder). */
  cwd: string;
}

export async function fingerprint(input: FingerprintInput): Promise<string> {
  const h = createHash('sha256');
  h.update(canonical({ type: input.type, config: input.config, buildName: input.buildName, builderType: input.builderType }));
  // The file provisioner's `download` direction reads `source` on the machine, not here.
  const downloads = input.type === 'file' && input.config.direction === 'download';
  for (const field of LOCAL_PATH_FIELDS) {
    if (downloads && (field === 'source' || field === 'sources')) continue;
    for (const path of strings(input.config[field])) {
      h.update(`\0${field}\0${path}\0`);
      await hashPath(h, isAbsolute(path) ? path : resolve(input.cwd, path));
    }
  }
  return h.digest('hex');
}

function strings(v: Plain | undefined): string[] {
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  return [];
}

/** A file's bytes and executable bit, a folder's entries in name order, a link's target; a missing path hashes as missing. */
async function hashPath(h: Hash, path: string): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    h.update('missing\0');
    return;
  }
  if (st.isSymbolicLink()) {
    h.update(`link\0${await readlink(path)}\0`);
    return;
  }
  if (st.isDirectory()) {
    h.update('dir\0');
    for (const name of (await readdir(path)).sort()) {
      h.update(`entry\0${name}\0`);
      await hashPath(h, join(path, name));
    }
    h.update('end\0');
    return;
  }
  h.update(`file\0${st.mode & 0o111 ? 'x' : '-'}\0${st.size}\0`);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
}
