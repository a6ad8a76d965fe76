// Records what today's Packer (1.14, built by .ci/reference-packer.sh) writes for `hcl2_upgrade` of each legacy template
// in test/fixtures/upgrade/<case>/input.json, as that case's expected.pkr.hcl (test/template/upgrade/upgrade.test.ts
// compares Bakehouse's output with it). Run it again after adding a case or moving the Packer pin:
//   bash .ci/reference-packer.sh && node --import tsx scripts/record-upgrade-1.14.ts
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKER_1_14, runReferencePacker } from '../test/support/reference-packer';

function main(): number {
  if (PACKER_1_14.skip !== false) {
    console.error(PACKER_1_14.skip);
    return 1;
  }
  const fixtures = join(__dirname, '..', 'test', 'fixtures', 'upgrade');
  for (const name of readdirSync(fixtures).sort()) {
    // Packer writes beside its input; a scratch folder keeps the fixture folder to the two files.
    const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-upgrade-'));
    copyFileSync(join(fixtures, name, 'input.json'), join(scratch, 'input.json'));
    const r = runReferencePacker(PACKER_1_14.packer, ['hcl2_upgrade', '-output-file=out.pkr.hcl', 'input.json'], { cwd: scratch });
    if (r.status !== 0) {
      console.error(`${name}: hcl2_upgrade failed (${r.status}):\n${r.stdout}${r.stderr}`);
      return 1;
    }
    writeFileSync(join(fixtures, name, 'expected.pkr.hcl'), readFileSync(join(scratch, 'out.pkr.hcl'), 'utf8'));
    console.log(`${name}: recorded`);
  }
  return 0;
}

process.exitCode = main();
