/**
 * The checksum files a load may look at (LoadOptions.checksumFiles): those the caller already fetched answer from its
 * results; asking for any other names it in the load's pending list, for the caller to fetch before loading again
 * (loadTemplateFilesRunningDataSources), as data sources that reach outside are run.
 */
import type { FetchedFiles } from '../components/files';
import type { LoadOptions } from './model';

export interface LoadChecksumFiles {
  /** What checks may read; undefined when the load does not fetch (the editor). */
  fetched?: FetchedFiles;
  /** The URLs asked for and not fetched yet, in the order asked. */
  pending: string[];
}

export function checksumFilesOf(opts: LoadOptions): LoadChecksumFiles {
  const pending: string[] = [];
  if (opts.checksumFiles !== 'fetch') return { pending };
  const results = opts.checksumFileResults ?? new Map();
  const fetched: FetchedFiles = {
    cwd: opts.cwd ?? process.cwd(),
    checksumFile(url) {
      const got = results.get(url);
      if (!got && !pending.includes(url)) pending.push(url);
      return got;
    },
  };
  return { fetched, pending };
}
