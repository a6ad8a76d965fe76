/**
 * Read-only looks at the local files a config names (scripts, playbooks, floppy files), so validation can report a
 * missing file as Packer's Prepare does. Paths are relative to the directory Packer runs in, as in Packer.
 */
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { err, ok, type Result } from '../common/result';

export interface LocalFiles {
  /** Go's os.Stat error text for the path (`stat a.sh: no such file or directory`), or undefined when it exists. */
  statError(path: string): string | undefined;
  isDirectory(path: string): boolean;
}

/**
 * Files a config names that Packer's Prepare downloads (an ISO's checksum file, `iso_checksum = "file:<url>"`). Checks stay
 * synchronous: the loader's caller fetches them (core/template/load.ts), as it runs data sources, and loads again.
 */
export interface FetchedFiles {
  /** The folder Packer runs in, from which go-getter resolves relative paths. */
  readonly cwd: string;
  /** The checksum file's text or go-getter's error, or undefined until it is fetched (asking names it for fetching). */
  checksumFile(url: string): Result<string> | undefined;
}

const GO_ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
};

export function localFiles(cwd: string): LocalFiles {
  const resolve = (p: string): string => (isAbsolute(p) ? p : join(cwd, p));
  return {
    statError(path) {
      try {
        statSync(resolve(path));
        return undefined;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        return `stat ${path}: ${GO_ERRNO[code] ?? code.toLowerCase()}`;
      }
    },
    isDirectory(path) {
      try {
        return statSync(resolve(path)).isDirectory();
      } catch {
        return false;
      }
    },
  };
}

/** Legacy JSON paths may still hold `{{ … }}` that Packer fills in later; those cannot be checked yet. Globs are expanded by Packer. */
export function checkablePath(path: string): boolean {
  return path !== '' && !path.includes('{{') && !/[*?[]/.test(path);
}

/**
 * A key file's path as Packer's SDK reads it (pathing.ExpandUser): a leading `~` is the current user's home from the
 * password database (not $HOME), `~name` that user's; the error is Go's when there is no such user.
 */
export function expandUser(path: string): Result<string, string> {
  if (!path.startsWith('~')) return ok(path);
  const cut = path.search(/[/\\]/);
  const name = path.slice(1, cut === -1 ? path.length : cut);
  const rest = cut === -1 ? '' : path.slice(cut);
  const home = name === '' ? userInfo().homedir : passwdHome(name);
  if (home === undefined) return err(`user: unknown user ${name}`);
  return ok(join(home, rest));
}

function passwdHome(name: string): string | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[0] === name);
    return line?.split(':')[5];
  } catch {
    return undefined;
  }
}
