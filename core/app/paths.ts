/**
 * Where a path the UI sends points. Absolute paths are taken as they are; a relative one is read from the working
 * directory, or else from the app's own folder, so the UI can name the bundled examples (`resources/examples/…`)
 * whether it runs from a checkout, `bakehouse serve` or a packaged app.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export type PathResolver = (path: string) => string;

export function pathResolver(cwd: string, appRoot?: string): PathResolver {
  return (path) => {
    if (isAbsolute(path)) return resolve(path);
    const fromCwd = resolve(cwd, path);
    if (existsSync(fromCwd) || !appRoot) return fromCwd;
    const fromApp = resolve(appRoot, path);
    return existsSync(fromApp) ? fromApp : fromCwd;
  };
}
