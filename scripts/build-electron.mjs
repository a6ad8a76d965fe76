// Bundles the Electron entries: main (dist/electron/main.js) and the sandboxed preload (dist/electron/preload.js).
// Electron and the CLI's externals stay external; everything else, core/ included, goes into the bundle so the app needs
// no TypeScript.
import { build } from 'esbuild';
import { refusePackages } from './bundle-guard.mjs';
import { EXTERNALS } from './externals.mjs';
import { IMPORT_META_URL } from './import-meta-url.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // The CLI's externals (externals.mjs): the packaged app carries them in node_modules (electron-builder.yml).
  external: EXTERNALS,
  // As for the CLI: prefer ES module builds, since UMD builds load their parts with dynamic require().
  mainFields: ['module', 'main'],
};

// The external Google libraries are loaded with import() (core/builders/googlecompute/driver.ts), which Electron's ESM
// loader has failed to resolve inside app.asar (electron/electron#38957, #46614): as in the CLI, every import() becomes
// require(), the path every external here takes.
await build({ ...common, ...IMPORT_META_URL, supported: { 'dynamic-import': false }, entryPoints: ['main/main.ts'], outfile: 'dist/electron/main.js' });
// A sandboxed preload may require only 'electron' and a few Node built-ins: it must be one self-contained file. It carries
// the contract's method names and proxy, never its schemas: the host checks inputs, so zod there is a layering mistake.
const PRELOAD = { ...common, entryPoints: ['preload/index.ts'], outfile: 'dist/electron/preload.js', external: ['electron'] };
await build({ ...PRELOAD, plugins: [refusePackages(['zod'], PRELOAD.outfile)] });
