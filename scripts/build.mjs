// Bundles the CLI into one file so `bakehouse` starts fast (one module to load, no TypeScript at run time).
import { build } from 'esbuild';

await build({
  entryPoints: ['core/cli/main.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['electron'],
  // Prefer ES module builds: jsonc-parser's UMD build loads its parts with dynamic require(), which a bundle cannot follow.
  mainFields: ['module', 'main'],
});
