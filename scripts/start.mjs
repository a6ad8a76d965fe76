// `npm start`: opens the desktop app where Electron's binary is installed; otherwise says why and opens the same UI in a
// browser through the built CLI's `serve --open`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { electronBinary, NO_ELECTRON_BINARY } from './electron-binary.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const electron = electronBinary();
if (electron !== undefined && existsSync(new URL('../dist/electron/main.js', import.meta.url))) {
  const r = spawnSync(electron, [repo], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
console.log(NO_ELECTRON_BINARY);
const cli = fileURLToPath(new URL('../bin/bakehouse.js', import.meta.url));
const r = spawnSync(process.execPath, [cli, 'serve', '--open'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
