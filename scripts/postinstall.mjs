// `npm install`'s last word on the desktop app: one line when Electron's binary is missing, nothing when it is there.
// Where the binary could not be downloaded (offline, behind a proxy), npm drops the optional `electron` package whole;
// it is put back without its download script, so its types (`npm run typecheck`) and its installer are still there.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { electronBinary, NO_ELECTRON_BINARY } from './electron-binary.mjs';

const pkg = new URL('../node_modules/electron/package.json', import.meta.url);
if (!existsSync(pkg)) {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
  const version = lock.packages?.['node_modules/electron']?.version;
  if (version) {
    const npm = process.env.npm_execpath;
    const args = ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `electron@${version}`];
    const r = npm ? spawnSync(process.execPath, [npm, ...args], { stdio: 'inherit' }) : spawnSync('npm', args, { stdio: 'inherit', shell: process.platform === 'win32' });
    if (r.status !== 0) console.log("Bakehouse: could not put back the electron package's types; run `ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install`.");
  }
}
if (electronBinary() === undefined) console.log(NO_ELECTRON_BINARY);
