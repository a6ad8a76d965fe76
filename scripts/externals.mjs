// What the Node bundles (the CLI, dist/cli.js, and the Electron main process, dist/electron/main.js) leave to node_modules,
// defined once for both build scripts, electron-builder.yml's generated list and test/electron/packaging.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Native modules: they load their .node binary by package name at run time. electron-builder.yml lists by hand what of them travels. */
export const NATIVE_PACKAGES = ['@napi-rs/keyring', 'better-sqlite3'];

/**
 * Google's Compute client (with google-gax and its protos) and auth library: bundled they are ~70 MB parsed at every
 * start (the CLI's RSS doubled, test/faults/docker-output-flood.test.ts), though only googlecompute builds load them
 * (lazily). They travel as packages with every package they depend on: the generated list in electron-builder.yml.
 */
export const LAZY_PACKAGES = ['@google-cloud/compute', 'google-auth-library'];

/** esbuild's `external`: electron is the runtime; cpu-features and ssh2's crypto binding are optional speed-ups ssh2 does without. */
export const EXTERNALS = ['electron', 'cpu-features', './crypto/build/Release/sshcrypto.node', ...NATIVE_PACKAGES, ...LAZY_PACKAGES];

/**
 * The node_modules folders (top level: a package's own node_modules travels inside it) of `packages` and of everything
 * they depend on at run time (dependencies and installed optional dependencies, resolved as Node resolves them), sorted.
 */
export function dependencyFolders(root, packages) {
  const seen = new Set();
  const folders = new Set();
  const visit = (from, name) => {
    const dir = resolvePackage(from, name);
    if (!dir) return;
    if (seen.has(dir)) return;
    seen.add(dir);
    // node_modules/a/node_modules/b → node_modules/a (or node_modules/@s/a).
    const parts = relative(root, dir).split(sep);
    folders.add(parts.slice(0, parts[1].startsWith('@') ? 3 : 2).join('/'));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dir, dep);
  };
  for (const p of packages) visit(root, p);
  return [...folders].sort();
}

function resolvePackage(from, name) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
