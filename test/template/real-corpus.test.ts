/**
 * The real-world corpus: templates taken unchanged from public projects (their provenance in
 * test/fixtures/real/PROVENANCE.json; the files themselves outside the repository, see test/support/real-corpus.ts), validated by Bakehouse exactly as `bakehouse validate` loads them and compared with what Packer 1.14
 * said of each (packer-1.14.json, recorded by scripts/record-real-corpus.ts): the verdict (valid or invalid) and the
 * errors, by summary, file and line.
 *
 * Bakehouse does not agree with 1.14 everywhere yet, and the agreement is held honestly: known-differences.json lists
 * every template where it differs, with what each side said. The test fails when a template not listed disagrees (a new
 * difference, or one that grew from the errors to the verdict), and when a listed one now agrees (take it off the list,
 * so the list only shrinks). Templates whose plugin the reference has no binary of are not compared, nor, on a machine
 * that reaches the network, those whose recorded errors are Packer's failed downloads (recorded offline; see
 * reachableRecordedHosts).
 * After a change that moves templates, `BAKEHOUSE_UPDATE_KNOWN_DIFFERENCES=1` rewrites the list from what is observed,
 * keeping each entry's `cause`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { basename, join } from 'node:path';
import { componentTypes } from '../../core/components/registry';
import { loadTemplateRunningDataSources } from '../../core/template/load';
import { REAL_CORPUS_FILES, REAL_CORPUS_META } from '../support/real-corpus';

const REAL = REAL_CORPUS_META;
const KNOWN_DIFFERENCES = join(REAL, 'known-differences.json');
const missingFiles = !existsSync(join(REAL_CORPUS_FILES, 'PROVENANCE.json')) && `the real corpus's templates are not at ${REAL_CORPUS_FILES} (BAKEHOUSE_REAL_CORPUS): run \`node --import tsx scripts/fetch-real-corpus.ts\` on a machine that reaches GitHub`;

interface Provenance {
  repo: string;
  cwd: string;
  template: string;
  varFiles: string[];
}

/** One thing a side says is wrong, and where (Packer gives no file or line for a legacy JSON template's errors). */
interface ErrorAt {
  text: string;
  file: string | null;
  line: number | null;
}

interface Recorded {
  args: string[];
  exitCode: number | null;
  /** Each `Error:` block Packer printed, with the messages its detail names (see scripts/record-real-corpus.ts). */
  errors: Array<{ summary: string; file: string | null; line: number | null; messages: ErrorAt[] }>;
  verdict: 'valid' | 'invalid' | 'plugin not available to the reference';
  missingPlugins?: string[];
  types: { builders: string[]; provisioners: string[]; postProcessors: string[]; dataSources: string[] };
}

/** How far a template is from agreement: the verdict differs, or only the errors (same verdict, other errors). */
type DifferenceKind = 'verdict' | 'errors';

interface KnownDifference {
  difference: DifferenceKind;
  packer: string;
  bakehouse: string;
  /** What makes them differ, in the words the issue uses (for the engineers who fix it). */
  cause?: string;
}

const provenance = (JSON.parse(readFileSync(join(REAL, 'PROVENANCE.json'), 'utf8')) as { templates: Record<string, Provenance> }).templates;
const recording = JSON.parse(readFileSync(join(REAL, 'packer-1.14.json'), 'utf8')) as { packer: string; templates: Record<string, Recorded> };
const known = JSON.parse(readFileSync(KNOWN_DIFFERENCES, 'utf8')) as Record<string, KnownDifference>;

/** An error as both sides are compared: what is wrong, and where (file name and line) when Packer says where. */
const withPlace = (e: ErrorAt): string => `${e.text}${e.line !== null ? ` @ ${e.file ? basename(e.file) : '?'}:${e.line}` : ''}`;
const withoutPlace = (e: ErrorAt): string => e.text;
/** A legacy JSON template's syntax error: Packer gives the line in the template but names no file. */
const atLineOnly = (e: ErrorAt): string => `${e.text} @ ?:${e.line}`;

async function bakehouseVerdict(name: string): Promise<{ valid: boolean; errors: ErrorAt[] }> {
  const t = provenance[name];
  const dir = join(REAL_CORPUS_FILES, name, t.cwd);
  // As `bakehouse validate [-var-file=…] TEMPLATE` run in the project's folder (core/cli/commands/validate.ts): data sources
  // checked, not run; checksum files fetched, as Prepare does; no -var, no environment of this machine.
  const result = await loadTemplateRunningDataSources(join(dir, t.template), {
    varFiles: t.varFiles.map((f) => join(dir, f)),
    env: {},
    cwd: dir,
    requireBuild: true,
    dataSources: 'skip',
    checksumFiles: 'fetch',
  });
  const errors = result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({ text: withoutResolver(d.summary), file: d.range?.filename ?? null, line: d.range?.start.line ?? null }));
  return { valid: errors.length === 0, errors };
}

/** This machine's DNS server, named in a failed download, as scripts/record-real-corpus.ts leaves it out of Packer's. */
const withoutResolver = (s: string): string => s.replace(/ on \d+\.\d+\.\d+\.\d+:53:/g, ' on <resolver>:53:');

/**
 * The hosts a recorded verdict could not reach that this machine does reach. Packer 1.14 was recorded offline, so its
 * downloads (a checksum file, Vagrant Cloud) failed with `lookup HOST on <resolver>:53: no such host`; where HOST
 * resolves, Bakehouse reaches it too and the recording no longer says what Packer would here.
 */
async function reachableRecordedHosts(r: Recorded): Promise<string[]> {
  const texts = r.errors.flatMap((e) => e.messages.map((m) => m.text));
  const hosts = new Set(texts.flatMap((t) => [...t.matchAll(/lookup (\S+) on <resolver>:53: no such host/g)].map((m) => m[1])));
  const reached: string[] = [];
  for (const host of hosts) if (await lookup(host).then(() => true, () => false)) reached.push(host);
  return reached;
}

const show = (valid: boolean, errors: ErrorAt[]): string => (valid ? 'valid' : `invalid: ${errors.map(withPlace).sort().join(' | ')}`);

/**
 * Whether two invalid verdicts name the same errors: every message of Packer's is one of Bakehouse's (at the same file
 * and line where Packer gives a place; at the same line where it gives only a line), and every one of Bakehouse's is one
 * of Packer's.
 */
function sameErrors(packer: ErrorAt[], ours: ErrorAt[]): boolean {
  const keyOf = (e: ErrorAt): string => (e.line !== null ? withPlace(e) : withoutPlace(e));
  const theirs = new Set(packer.map(keyOf));
  const keysOf = (e: ErrorAt): string[] => [withPlace(e), withoutPlace(e), ...(e.line !== null ? [atLineOnly(e)] : [])];
  const mine = new Set(ours.flatMap(keysOf));
  return [...theirs].every((k) => mine.has(k)) && ours.every((e) => keysOf(e).some((k) => theirs.has(k)));
}

/** Whether Bakehouse has every component type the template names (a schema and checks for each). */
function allTypesImplemented(r: Recorded): boolean {
  const has = (kind: 'builder' | 'provisioner' | 'post-processor' | 'data', types: string[]): boolean => {
    const known = new Set(componentTypes(kind));
    return types.every((t) => known.has(t));
  };
  return has('builder', r.types.builders) && has('provisioner', r.types.provisioners) && has('post-processor', r.types.postProcessors) && has('data', r.types.dataSources);
}

test('the real corpus has at least 100 templates, each recorded from Packer 1.14', () => {
  const names = Object.keys(provenance).sort();
  assert.ok(names.length >= 100, `only ${names.length} templates`);
  assert.deepEqual(Object.keys(recording.templates).sort(), names, 'run `node --import tsx scripts/record-real-corpus.ts` after changing the corpus');
  assert.match(recording.packer, /^Packer v1\.14\.\d+$/);
  for (const name of Object.keys(known)) assert.ok(name in provenance, `known-differences.json lists ${name}, which is not in the corpus`);
});

test('Bakehouse agrees with Packer 1.14 on the real corpus, except for the known differences', { skip: missingFiles }, async () => {
  const observed: Record<string, KnownDifference> = {};
  const problems: string[] = [];
  let compared = 0;
  let agreeing = 0;
  let comparedImplemented = 0;
  let agreeingImplemented = 0;
  let verdictsAgreeing = 0;
  const offlineOnly: string[] = [];
  for (const name of Object.keys(provenance).sort()) {
    const r = recording.templates[name];
    if (r.verdict === 'plugin not available to the reference') continue;
    const reached = await reachableRecordedHosts(r);
    if (reached.length > 0) {
      offlineOnly.push(`${name} (this machine reaches ${reached.join(', ')})`);
      if (known[name]) observed[name] = known[name];
      continue;
    }
    compared++;
    const implemented = allTypesImplemented(r);
    if (implemented) comparedImplemented++;
    const ours = await bakehouseVerdict(name);
    const packerValid = r.verdict === 'valid';
    const packerErrors = r.errors.flatMap((e) => e.messages);
    const packer = show(packerValid, packerErrors);
    const bakehouse = show(ours.valid, ours.errors);
    const difference: DifferenceKind | undefined =
      packerValid !== ours.valid ? 'verdict' : !packerValid && !sameErrors(packerErrors, ours.errors) ? 'errors' : undefined;
    if (difference !== 'verdict') verdictsAgreeing++;
    if (!difference) {
      agreeing++;
      if (implemented) agreeingImplemented++;
      if (known[name]) problems.push(`${name} now agrees with Packer 1.14: take it off known-differences.json`);
      continue;
    }
    observed[name] = { difference, packer, bakehouse, ...(known[name]?.cause ? { cause: known[name].cause } : {}) };
    if (!known[name]) problems.push(`${name}: a new difference (${difference})\n  packer 1.14: ${packer}\n  bakehouse:   ${bakehouse}`);
    else if (known[name].difference === 'errors' && difference === 'verdict') problems.push(`${name}: the verdict now differs too (was only the errors)\n  packer 1.14: ${packer}\n  bakehouse:   ${bakehouse}`);
  }
  const pct = (a: number, b: number): string => `${a}/${b} (${b ? Math.round((100 * a) / b) : 0}%)`;
  console.log(
    `real corpus: ${Object.keys(provenance).length} templates, ${compared} comparable with Packer 1.14 ` +
      `(the others need a plugin the reference lacks)\n` +
      `  full agreement (verdict and errors): ${pct(agreeing, compared)}; verdict only: ${pct(verdictsAgreeing, compared)}\n` +
      `  on templates whose types Bakehouse all implements: ${pct(agreeingImplemented, comparedImplemented)}` +
      (offlineOnly.length ? `\n  not compared, recorded offline: ${offlineOnly.join('; ')}` : ''),
  );
  if (process.env.BAKEHOUSE_UPDATE_KNOWN_DIFFERENCES === '1') {
    writeFileSync(KNOWN_DIFFERENCES, `${JSON.stringify(observed, null, 2)}\n`);
    return;
  }
  assert.deepEqual(problems, [], 'the real corpus moved: see each line (BAKEHOUSE_UPDATE_KNOWN_DIFFERENCES=1 rewrites the list)');
});
