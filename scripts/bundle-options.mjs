// The esbuild options the bundles share, so the CLI (dist/cli.js) and the Electron main process (dist/electron/main.js)
// are built the same way and the sandboxed preload differs from them only where it must.
import { EXTERNALS } from './externals.mjs';
import { IMPORT_META_URL } from './import-meta-url.mjs';

/** One CommonJS file for Node 20 (Electron's too). */
export const BUNDLE = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Prefer ES module builds: jsonc-parser's UMD build loads its parts with dynamic require(), which a bundle cannot follow.
  mainFields: ['module', 'main'],
};

/** The CLI and the Electron main process: they leave the same packages to node_modules (externals.mjs says why). */
export const NODE_BUNDLE = {
  ...BUNDLE,
  external: EXTERNALS,
  // Every import() becomes a require() (the bundles are CommonJS anyway): the AWS SDK loads some Node built-ins with
  // import(), and bin/bakehouse.js runs the CLI bundle as a vm.Script, which has no loader for import(); the external Google
  // libraries are loaded with import() (core/builders/googlecompute/driver.ts), which Electron's ESM loader has failed to
  // resolve inside app.asar (electron/electron#38957, #46614).
  supported: { 'dynamic-import': false },
  ...IMPORT_META_URL,
};
