import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../files/atomic-write';
import { hcl2Upgrade } from '../../template/upgrade/upgrade';
import type { Command } from '../command';
import { renderDiagnostics } from '../diagnostics';
import { flagString } from '../flags';

export const hcl2UpgradeCommand: Command = {
  name: 'hcl2_upgrade',
  synopsis: 'Converts a legacy JSON template to HCL2',
  usage: '[-output-file=FILE.pkr.hcl] TEMPLATE.json',
  flags: [{ name: 'output-file', kind: 'string', description: 'Where to write the HCL2 template (default: TEMPLATE.json.pkr.hcl).', placeholder: 'path' }],
  async run(args, io) {
    if (args.positional.length !== 1) {
      io.stderr(`bakehouse hcl2_upgrade: expected one JSON template, got ${args.positional.length}\n`);
      return 1;
    }
    const input = args.positional[0];
    if (!existsSync(input)) {
      io.stderr(`bakehouse hcl2_upgrade: ${input}: no such file or directory\n`);
      return 1;
    }
    const text = readFileSync(input, 'utf8');
    const result = hcl2Upgrade(text, input);
    if (result.diagnostics.length) io.stderr(renderDiagnostics(result.diagnostics, { sources: { [input]: text }, color: io.color }));
    if (result.diagnostics.some((d) => d.severity === 'error')) return 1;
    const output = flagString(args, 'output-file') ?? `${input}.pkr.hcl`;
    writeFileAtomic(output, result.text);
    io.stdout(`Successfully created ${output}\n`);
    return 0;
  },
};
