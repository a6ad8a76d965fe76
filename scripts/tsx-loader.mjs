// The TypeScript loader for child Node processes, resolved from this repository rather than from the child's working
// folder (test/support/tsx.ts is the same for the TypeScript side).
export const TSX_LOADER = import.meta.resolve('tsx');
