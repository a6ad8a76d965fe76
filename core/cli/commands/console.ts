import { createInterface } from 'node:readline';
import { evaluate } from '../../template/eval/evaluate';
import { parseHclExpression } from '../../template/hcl/parser';
import { loadTemplateRunningDataSources } from '../../template/load';
import { emptyTemplateModel, type TemplateModel } from '../../template/model';
import { consoleContext } from '../../template/packer/load';
import { hasErrors } from '../../template/source';
import { formatValue } from '../../template/values/format';
import { VAR_FLAGS, type Command } from '../command';
import { renderDiagnostics } from '../diagnostics';
import { templateArgs } from '../template-args';

const INPUT = '<console-input>';


export const consoleCommand: Command = {
  name: 'console',
  synopsis: "Evaluates expressions against a template's variables and locals",
  usage: '[options] [TEMPLATE|DIR]',
  flags: [...VAR_FLAGS],
  async run(args, io) {
    const t = templateArgs('console', args, io, true);
    if (!t.ok) {
      io.stderr(`${t.error}\n`);
      return 1;
    }
    // With no template, expressions still see path.*, packer.version and every function.
    let model: TemplateModel = emptyTemplateModel('hcl2', io.cwd, []);
    if (t.value.path) {
      const loaded = await loadTemplateRunningDataSources(t.value.path, t.value.options);
      if (hasErrors(loaded.diagnostics) || !loaded.model) {
        io.stderr(renderDiagnostics(loaded.diagnostics, { sources: loaded.sources, color: io.color }));
        return 1;
      }
      model = loaded.model;
    }
    const ctx = consoleContext(model, io.cwd);
    const lines = createInterface({ input: io.stdin, terminal: false });
    const prompt = (): void => {
      if (io.stdinIsTTY) io.stdout('> ');
    };
    let failed = false;
    prompt();
    for await (const line of lines) {
      const text = line.trim();
      if (text === 'exit' && io.stdinIsTTY) break;
      if (text) {
        const parsed = parseHclExpression(text, INPUT);
        const diags = [...parsed.diagnostics];
        const value = hasErrors(diags) ? undefined : evaluate(parsed.expr, ctx);
        if (value) diags.push(...value.diagnostics);
        if (hasErrors(diags) || !value) {
          failed = true;
          io.stderr(renderDiagnostics(diags, { sources: { [INPUT]: text }, color: io.color }));
        } else {
          io.stdout(`${formatValue(value.value)}\n`);
        }
      }
      prompt();
    }
    return failed ? 1 : 0;
  },
};
