export const NATIVE_PACKAGES: string[];
export const LAZY_PACKAGES: string[];
export const EXTERNALS: string[];

/** The top-level node_modules folders of `packages` and of everything they depend on at run time, sorted. */
export function dependencyFolders(root: string, packages: string[]): string[];
