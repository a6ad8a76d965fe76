// Records what today's Packer (1.14, built by .ci/reference-packer.sh) prints for `packer fix` on the legacy templates
// of test/fixtures/fix/templates, with and without -validate, so test/template/fix compares Bakehouse with it where the
// binary is not built. Writes test/fixtures/fix/packer-1.14.json. Run it again after changing the templates:
//   bash .ci/reference-packer.sh && node --import tsx scripts/record-packer-fix.ts
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKER_1_14, runReferencePacker, type ReferencePacker } from '../test/support/reference-packer';

const repo = join(__dirname, '..');
export const FIX_TEMPLATES = join(repo, 'test', 'fixtures', 'fix', 'templates');
export const FIX_RECORDING = join(repo, 'test', 'fixtures', 'fix', 'packer-1.14.json');

/** One `packer fix` run: its arguments (the template by file name) and everything it printed. */
export interface RecordedFix {
  args: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The runs recorded for each template: `fix NAME` and `fix -validate=false NAME`. */
export const fixArgs = (name: string): string[][] => [
  ['fix', name],
  ['fix', '-validate=false', name],
];

/** Runs Packer on a copy of the template in a scratch folder, where a crash leaves its crash.log. */
export function runPackerFix(packer: ReferencePacker, name: string): RecordedFix[] {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-fix-'));
  try {
    copyFileSync(join(FIX_TEMPLATES, name), join(dir, name));
    return fixArgs(name).map((args) => {
      const r = runReferencePacker(packer, args, { cwd: dir });
      if (r.error) throw new Error(`${packer.bin} ${args.join(' ')}: ${r.error.message}`);
      // A crash's goroutine trace holds addresses that change from run to run: its first line says what crashed.
      const stderr = r.status === 2 ? `${r.stderr.split('\n')[0]}\n` : r.stderr;
      return { args, exitCode: r.status, stdout: r.stdout, stderr };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function fixTemplateNames(): string[] {
  return readdirSync(FIX_TEMPLATES)
    .filter((n) => n.endsWith('.json'))
    .sort();
}

function main(): void {
  if (!PACKER_1_14.packer) {
    console.error(PACKER_1_14.skip);
    process.exit(1);
  }
  const recorded: Record<string, RecordedFix[]> = {};
  for (const name of fixTemplateNames()) recorded[name] = runPackerFix(PACKER_1_14.packer, name);
  writeFileSync(FIX_RECORDING, `${JSON.stringify(recorded, null, 2)}\n`);
  console.log(`recorded ${Object.keys(recorded).length} templates into ${FIX_RECORDING}`);
}

if (require.main === module) main();
