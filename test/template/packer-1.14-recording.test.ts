/**
 * Packer 1.14's verdicts on the template corpus are recorded (scripts/record-packer-1.14.ts) so the comparison with
 * today's Packer runs without the binary. These tests keep the recording true: it covers every corpus case, and where the
 * binary is built, what it says today is what was recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKER_1_14, runReferencePacker } from '../support/reference-packer';

interface RecordedRun {
  args: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

interface Recording {
  packer: string;
  /** cwd is relative to test/fixtures/templates. */
  cases: Record<string, { cwd: string; env: Record<string, string>; validate: RecordedRun }>;
}

const fixtures = join(__dirname, '..', 'fixtures');
const corpus = join(fixtures, 'templates');
const recording = (kind: 'valid' | 'invalid'): Recording =>
  JSON.parse(readFileSync(join(fixtures, 'packer-1.14', `${kind}.json`), 'utf8')) as Recording;

test('Packer 1.14 is recorded for every case of the template corpus, and for nothing else', () => {
  const valid = readdirSync(join(corpus, 'valid')).filter((n) => existsSync(join(corpus, 'valid', n, 'expect.json')));
  const invalid = Object.keys(JSON.parse(readFileSync(join(corpus, 'invalid', 'expect.json'), 'utf8')) as object);
  const rerecord = 'run `node --import tsx scripts/record-packer-1.14.ts` after changing the corpus';
  assert.deepEqual(Object.keys(recording('valid').cases).sort(), valid.sort(), rerecord);
  assert.deepEqual(Object.keys(recording('invalid').cases).sort(), invalid.sort(), rerecord);
  for (const kind of ['valid', 'invalid'] as const) assert.match(recording(kind).packer, /^Packer v1\.14\.\d+$/);
});

// In CI nothing may be missing: .ci/run builds Packer 1.14, so there the test runs (and fails) rather than skips.
/** Packer lists a cycle's members in Go's map order, which changes from run to run: compared as a set. */
const stableCycles = (out: string): string => out.replace(/Cycle: ([^\n]+)/g, (_, members: string) => `Cycle: ${members.split(', ').sort().join(', ')}`);

test('the recorded validate verdicts are what Packer 1.14 says today', { skip: !process.env.CI && PACKER_1_14.skip }, () => {
  const packer = PACKER_1_14.packer;
  assert.ok(packer, PACKER_1_14.skip || '');
  const repo = join(__dirname, '..', '..');
  const version = runReferencePacker(packer, ['version'], { cwd: corpus }).stdout.split('\n')[0];
  const stale: string[] = [];
  for (const kind of ['valid', 'invalid'] as const) {
    const recorded = recording(kind);
    assert.equal(version, recorded.packer, 'the recording is from another Packer: record it again');
    for (const [name, { cwd, env, validate }] of Object.entries(recorded.cases)) {
      const now = runReferencePacker(packer, validate.args, { cwd: join(corpus, cwd), env });
      if (now.status !== validate.exitCode || stableCycles(now.stdout.replaceAll(repo, '<repo>')) !== stableCycles(validate.stdout)) {
        stale.push(`${kind}/${name}: recorded rc=${validate.exitCode}, now rc=${now.status}\n${now.stdout}${now.stderr}`);
      }
    }
  }
  assert.deepEqual(stale, [], 'run `node --import tsx scripts/record-packer-1.14.ts` again');
});
