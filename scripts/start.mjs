// `npm start`: opens the desktop app where Electron's binary is installed; otherwise says why and how to use the browser UI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronPath;
try {
  electronPath = require('electron');
} catch {
  electronPath = undefined;
}
if (typeof electronPath === 'string' && existsSync(electronPath) && existsSync('dist/electron/main.js')) {
  const r = spawnSync(electronPath, ['.'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
console.log('Electron is not installed here (its binary could not be downloaded), so the desktop window cannot open.');
console.log('The same UI runs in a browser: npx bakehouse serve --open');
