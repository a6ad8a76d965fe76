// Builds everything `npm start` and the tests need: the CLI bundle, and (when their build scripts exist) the renderer
// and the Electron main/preload bundles. One module per target keeps start-up fast and needs no TypeScript at run time.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

await build({
  entryPoints: ['core/cli/main.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['electron', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  // Prefer ES module builds: jsonc-parser's UMD build loads its parts with dynamic require(), which a bundle cannot follow.
  mainFields: ['module', 'main'],
});

for (const script of ['./build-renderer.mjs', './build-electron.mjs']) {
  if (existsSync(new URL(script, import.meta.url))) await import(script);
}
