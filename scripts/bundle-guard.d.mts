import type { Plugin } from 'esbuild';

/** An esbuild plugin that fails the bundle when one of `packages` is imported, naming the importer. */
export function refusePackages(packages: string[], bundle: string): Plugin;
