// An esbuild plugin that fails a bundle when a package it must not carry is imported, naming the file that imported it.
// The preload and the renderer use it for zod: only the host checks inputs, and the schemas (two thirds of the first
// browser bundle once) must not ride along into either. Type-only imports are gone before esbuild resolves, so they pass.
import { relative, sep } from 'node:path';

/** @param {string[]} packages  @param {string} bundle the output, for the message */
export function refusePackages(packages, bundle) {
  const filter = new RegExp(`^(?:${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(?:/|$)`);
  return {
    name: 'refuse-packages',
    setup(b) {
      const root = b.initialOptions.absWorkingDir ?? process.cwd();
      b.onResolve({ filter }, (args) => ({
        errors: [{ text: `${args.path} must not be bundled into ${bundle}: imported by ${relative(root, args.importer).split(sep).join('/')}` }],
      }));
    },
  };
}
