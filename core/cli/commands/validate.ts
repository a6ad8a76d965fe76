import { loadTemplateRunningDataSources } from '../../template/load';
import { COLOR_FLAG, ONLY_EXCEPT_FLAGS, VAR_FLAGS, type Command } from '../command';
import { jsonReport, renderDiagnostics } from '../diagnostics';
import { flagBool } from '../flags';
import { templateArgs } from '../template-args';

export const validateCommand: Command = {
  name: 'validate',
  synopsis: 'Checks that a template is valid',
  usage: '[options] TEMPLATE|DIR',
  flags: [
    { name: 'syntax-only', kind: 'bool', description: 'Only check syntax. Do not verify config of the template.' },
    { name: 'evaluate-datasources', kind: 'bool', description: 'Run data sources while validating (HCL2 only; they may reach the network). Default false.' },
    ...ONLY_EXCEPT_FLAGS,
    ...VAR_FLAGS,
    { name: 'json', kind: 'bool', description: 'Print the result as JSON, in the shape of `terraform validate -json`.' },
    COLOR_FLAG,
  ],
  async run(args, io) {
    const t = templateArgs('validate', args, io);
    if (!t.ok) {
      io.stderr(`${t.error}\n`);
      return 1;
    }
    const syntaxOnly = flagBool(args, 'syntax-only');
    // As Packer 1.14, validate checks data sources but runs them only when asked: they may reach the network or cost money.
    // It always prepares the builders, and an ISO builder's Prepare downloads a `file:` checksum.
    const dataSources = flagBool(args, 'evaluate-datasources') ? 'run' : 'skip';
    const result = await loadTemplateRunningDataSources(t.value.path, { ...t.value.options, syntaxOnly, dataSources, checksumFiles: 'fetch', requireBuild: true });
    const hasErrors = result.diagnostics.some((d) => d.severity === 'error');
    if (flagBool(args, 'json')) {
      io.stdout(`${JSON.stringify(jsonReport(result.diagnostics), null, 2)}\n`);
      return hasErrors ? 1 : 0;
    }
    if (result.diagnostics.length) {
      const text = renderDiagnostics(result.diagnostics, { sources: result.sources, color: io.color });
      if (hasErrors) io.stderr(text);
      else io.stdout(text);
    }
    if (hasErrors) return 1;
    io.stdout(syntaxOnly ? 'Syntax-only check passed. Everything looks okay.\n' : 'The configuration is valid.\n');
    return 0;
  },
};
