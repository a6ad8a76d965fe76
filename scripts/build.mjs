// Builds everything `npm start` and the tests need: the CLI bundle, and (when their build scripts exist) the renderer
// and the Electron main/preload bundles. One module per target keeps start-up fast and needs no TypeScript at run time.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { NODE_BUNDLE } from './bundle-options.mjs';

/**
 * dockerode loads BuildKit's session code (@grpc/grpc-js, protobufjs) and docker-modem its ssh:// transport (ssh2) as soon
 * as they are required, ~75 ms of start-up for every Docker build though only `buildImage` with version 2 and DOCKER_HOST=ssh://
 * use them. Those two requires become functions that load the module on their first call: same module, same behaviour, later.
 */
const LAZY_REQUIRES = [
  { importer: /[\\/]node_modules[\\/]dockerode[\\/]lib[\\/]docker\.js$/, path: './session' },
  { importer: /[\\/]node_modules[\\/]docker-modem[\\/]lib[\\/]modem\.js$/, path: './ssh' },
];

const lazyRequires = {
  name: 'lazy-requires',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|ssh)$/ }, (args) => {
      const lazy = LAZY_REQUIRES.find((l) => l.path === args.path && l.importer.test(args.importer));
      if (!lazy || args.pluginData === 'lazy') return undefined;
      return { path: args.path, namespace: 'lazy-require', pluginData: { resolveDir: args.resolveDir } };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-require' }, (args) => ({
      contents: `module.exports = function () { return require(${JSON.stringify(args.path)}).apply(this, arguments); };\n`,
      resolveDir: args.pluginData.resolveDir,
      loader: 'js',
    }));
    // The shim's own require of the real module resolves normally (pluginData marks it so the hook above lets it through).
    b.onResolve({ filter: /^\.\/(session|ssh)$/, namespace: 'lazy-require' }, async (args) => {
      const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'lazy' });
      return r.errors.length > 0 ? { errors: r.errors } : { path: r.path };
    });
  },
};

await build({ ...NODE_BUNDLE, entryPoints: ['core/cli/main.ts'], outfile: 'dist/cli.js', plugins: [lazyRequires] });

for (const script of ['./build-renderer.mjs', './build-electron.mjs']) {
  if (existsSync(new URL(script, import.meta.url))) await import(script);
}
