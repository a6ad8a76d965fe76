/**
 * The TypeScript loader for child Node processes, as an absolute file URL resolved from this repository. A bare
 * `--import tsx` is resolved from the child's working folder (a temporary folder in most tests), where it is found only
 * if some parent folder happens to hold a node_modules/tsx.
 */
import { pathToFileURL } from 'node:url';

export const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
