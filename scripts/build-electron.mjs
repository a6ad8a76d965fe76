// Bundles the Electron entries: main (dist/electron/main.js) and the sandboxed preload (dist/electron/preload.js).
// Electron and the CLI's externals stay external; everything else, core/ included, goes into the bundle so the app needs
// no TypeScript.
import { build } from 'esbuild';
import { BUNDLE, NODE_BUNDLE } from './bundle-options.mjs';
import { refusePackages } from './bundle-guard.mjs';

// Built as the CLI is: the packaged app carries the externals in node_modules (electron-builder.yml).
await build({ ...NODE_BUNDLE, entryPoints: ['main/main.ts'], outfile: 'dist/electron/main.js' });
// A sandboxed preload may require only 'electron' and a few Node built-ins: it must be one self-contained file. It carries
// the contract's method names and proxy, never its schemas: the host checks inputs, so zod there is a layering mistake.
const PRELOAD = { ...BUNDLE, entryPoints: ['preload/index.ts'], outfile: 'dist/electron/preload.js', external: ['electron'] };
await build({ ...PRELOAD, plugins: [refusePackages(['zod'], PRELOAD.outfile)] });
