import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXERS } from '../../template/fix/fixers';
import { fixTemplateText } from '../../template/fix/fix';
import { checkFixedTemplate } from '../../template/fix/validate';
import { isHclTemplatePath } from '../../template/load';
import type { Command } from '../command';
import { renderDiagnostics } from '../diagnostics';
import { flagBool } from '../flags';

const width = Math.max(...FIXERS.map((f) => f.name.length)) + 2;

/**
 * `packer fix`: the fixed template goes to standard output, byte for byte as Packer 1.14 prints it, and nothing is
 * written to disk. Errors go to standard error (Packer prints them on standard output).
 */
export const fixCommand: Command = {
  name: 'fix',
  synopsis: 'Rewrites a legacy JSON template written for an older Packer and prints it',
  usage: '[options] TEMPLATE.json',
  details: [
    'The fixed template is printed on standard output; the file itself is left as it is.',
    'These fixes run, in this order (the names are Packer\'s):',
    '',
    ...FIXERS.map((f) => `  ${f.name.padEnd(width)}${f.description}`),
  ].join('\n'),
  flags: [{ name: 'validate', kind: 'bool', description: 'Validate the fixed template (default); -validate=false only prints it.' }],
  async run(args, io) {
    if (args.positional.length !== 1) {
      io.stderr(`bakehouse fix: expected one JSON template, got ${args.positional.length}\n`);
      return 1;
    }
    const input = args.positional[0];
    const path = resolve(io.cwd, input);
    let text: string;
    try {
      if (statSync(path).isDirectory() || isHclTemplatePath(input)) {
        io.stderr(`bakehouse fix: ${input} is an HCL2 template; fix only rewrites legacy JSON templates.\n`);
        return 1;
      }
      text = readFileSync(path, 'utf8');
    } catch {
      io.stderr(`bakehouse fix: ${input}: no such file or directory\n`);
      return 1;
    }
    const fixed = fixTemplateText(text, input);
    if (!fixed.ok) {
      const failure = fixed.error;
      if (failure.kind === 'parse') io.stderr(renderDiagnostics([failure.diagnostic], { sources: { [input]: text }, color: io.color }));
      else io.stderr(`Error fixing: ${failure.message}\n`);
      return 1;
    }
    io.stdout(`${fixed.value}\n`);
    if (!flagBool(args, 'validate', true)) return 0;
    // The diagnostics point into the fixed template just printed, not into the input file.
    const label = `${input} (fixed)`;
    const problems = checkFixedTemplate(fixed.value, label);
    if (problems.length === 0) return 0;
    io.stderr(renderDiagnostics(problems, { sources: { [label]: fixed.value }, color: io.color }));
    io.stderr('The fixed template does not validate. This usually comes from an error in the input template: correct it and run bakehouse fix again.\n');
    return 1;
  },
};
