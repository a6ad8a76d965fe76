// Puts the real-world corpus's templates (test/fixtures/real/PROVENANCE.json: repository, path and commit of each file)
// into BAKEHOUSE_REAL_CORPUS (default /var/cache/bakehouse/real-corpus), from GitHub at the recorded commit, plus our own
// additions from test/fixtures/real/ours and empty placeholders for the project files a template references.
// The files are other projects' work and are not copied into this repository.
//   node --import tsx scripts/fetch-real-corpus.ts
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REAL_CORPUS_FILES, REAL_CORPUS_META } from '../test/support/real-corpus';

interface Entry {
  files: Array<{ file: string; repo: string; path: string; commit: string }>;
  ours?: Array<{ file: string; why: string }>;
}

async function main(): Promise<void> {
  const templates = (JSON.parse(readFileSync(join(REAL_CORPUS_META, 'PROVENANCE.json'), 'utf8')) as { templates: Record<string, Entry> }).templates;
  let fetched = 0;
  for (const [name, entry] of Object.entries(templates)) {
    for (const f of entry.files) {
      const target = join(REAL_CORPUS_FILES, name, f.file);
      if (existsSync(target)) continue;
      const url = `https://raw.githubusercontent.com/${f.repo}/${f.commit}/${f.path.split('/').map(encodeURIComponent).join('/')}`;
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${name}: ${url}: HTTP ${res.status}`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, Buffer.from(await res.arrayBuffer()));
      fetched++;
    }
    for (const o of entry.ours ?? []) {
      const target = join(REAL_CORPUS_FILES, name, o.file);
      const ours = join(REAL_CORPUS_META, 'ours', name, o.file);
      mkdirSync(dirname(target), { recursive: true });
      if (existsSync(ours)) copyFileSync(ours, target);
      else if (!existsSync(target)) writeFileSync(target, '');
    }
  }
  cpSync(join(REAL_CORPUS_META, 'PROVENANCE.json'), join(REAL_CORPUS_FILES, 'PROVENANCE.json'));
  console.log(`${fetched} files fetched into ${REAL_CORPUS_FILES}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
