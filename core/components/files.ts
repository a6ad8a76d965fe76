/**
 * Read-only looks at the local files a config names (scripts, playbooks, floppy files), so validation can report a
 * missing file as Packer's Prepare does. Paths are relative to the directory Packer runs in, as in Packer.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export interface LocalFiles {
  /** Go's os.Stat error text for the path (`stat a.sh: no such file or directory`), or undefined when it exists. */
  statError(path: string): string | undefined;
  isDirectory(path: string): boolean;
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
