import type { BuildOptions } from 'esbuild';

export const BUNDLE: BuildOptions;
export const NODE_BUNDLE: BuildOptions;
