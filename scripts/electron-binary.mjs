// Where Electron's binary is, if it is installed. `electron` is an optional dependency: where its postinstall cannot
// download the binary (offline, behind a proxy), npm drops the package and the install still succeeds.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The path of Electron's executable, or undefined when the package or its downloaded binary is missing. */
export function electronBinary() {
  try {
    // The package's main exports the executable's path, and throws when its postinstall never wrote path.txt.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

// One line, printed by `npm install` (scripts/postinstall.mjs) and by `npm start` (scripts/start.mjs).
export const NO_ELECTRON_BINARY =
  "Bakehouse: the desktop window needs Electron's binary, which could not be downloaded; get it with " +
  '`ELECTRON_MIRROR=<mirror URL> node node_modules/electron/install.js` (or set ELECTRON_SKIP_BINARY_DOWNLOAD=1 to do without it ' +
  'on purpose). `npx bakehouse serve --open` runs the same UI in a browser.';
