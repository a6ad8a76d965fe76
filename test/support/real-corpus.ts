/**
 * Where the real-world corpus's templates are. They are other projects' files (PROVENANCE.json names each one's repository,
 * path and commit, most with no licence that allows copying them here), so the repository keeps only their provenance,
 * Packer 1.14's recorded verdicts and our own additions (test/fixtures/real/ours: var values, and empty placeholders for
 * files the templates reference); `scripts/fetch-real-corpus.ts` puts the templates themselves into this folder on a
 * machine that reaches GitHub.
 */
import { join } from 'node:path';

export const REAL_CORPUS_META = join(__dirname, '..', 'fixtures', 'real');
export const REAL_CORPUS_FILES = process.env.BAKEHOUSE_REAL_CORPUS ?? '/var/cache/bakehouse/real-corpus';
