// Bundles the Electron entries: main (dist/electron/main.js) and the sandboxed preload (dist/electron/preload.js).
// Electron itself stays external; everything else, core/ included, goes into the bundle so the app needs no TypeScript.
import { build } from 'esbuild';
import { refusePackages } from './bundle-guard.mjs';
import { IMPORT_META_URL } from './import-meta-url.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // @napi-rs/keyring and better-sqlite3 load their native .node binaries by package name at run time: they stay node_modules packages.
  external: ['electron', 'cpu-features', './crypto/build/Release/sshcrypto.node', '@napi-rs/keyring', 'better-sqlite3'],
  // As for the CLI: prefer ES module builds, since UMD builds load their parts with dynamic require().
  mainFields: ['module', 'main'],
};

await build({ ...common, ...IMPORT_META_URL, entryPoints: ['main/main.ts'], outfile: 'dist/electron/main.js' });
// A sandboxed preload may require only 'electron' and a few Node built-ins: it must be one self-contained file. It carries
// the contract's method names and proxy, never its schemas: the host checks inputs, so zod there is a layering mistake.
const PRELOAD = { ...common, entryPoints: ['preload/index.ts'], outfile: 'dist/electron/preload.js', external: ['electron'] };
await build({ ...PRELOAD, plugins: [refusePackages(['zod'], PRELOAD.outfile)] });
