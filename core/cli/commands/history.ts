/**
 * `bakehouse history [-json] [-n N] [-template PATH] [-status S]` and `bakehouse history show RUN [-json]`: the build
 * history of the data folder (core/history), newest first, and one run's record — summary, builds, each step with its
 * duration, artifacts and where its log is. RUN is a run id or a unique prefix of one, as the table shows it.
 */
import { resolve } from 'node:path';
import { isRunStatus, RUN_STATUSES } from '../../common/history';
import { dataDir } from '../../engine/runlog';
import { History } from '../../history/history';
import type { CliIO, Command } from '../command';
import { flagBool, flagInt, flagString, type ParsedArgs } from '../flags';
import { runsTable, runText } from '../ui/history-text';

const DEFAULT_COUNT = 20;

const USAGE = `Usage:
  bakehouse history [-json] [-n N] [-template PATH] [-status ${RUN_STATUSES.join('|')}]
  bakehouse history show RUN [-json]`;

export const historyCommand: Command = {
  name: 'history',
  synopsis: 'Lists the runs recorded in the build history, or shows one',
  usage: '[-json] [-n N] | show RUN [-json]',
  details: [
    'Every build, from the app or the CLI, is recorded in the data folder (history.sqlite), newest first here.',
    'show prints a run: its template, variables (sensitive ones masked), each build with its steps, provisioners and',
    "post-processors and how long each took, the artifacts and the run log's path. RUN may be the first characters of",
    'a run id, as the list shows them.',
  ].join('\n'),
  flags: [
    { name: 'json', kind: 'bool', description: 'Print JSON: the list of runs, or the run.' },
    { name: 'n', kind: 'int', description: `How many runs to list, newest first (Default: ${DEFAULT_COUNT}; 0: all).`, placeholder: String(DEFAULT_COUNT) },
    { name: 'template', kind: 'string', description: 'List only the runs of this template.', placeholder: 'path' },
    { name: 'status', kind: 'string', description: `List only the runs that ended so: ${RUN_STATUSES.join(', ')}.`, placeholder: 'failed' },
  ],
  run: (args, io) => runHistoryCommand(args, io),
};

async function runHistoryCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const [sub, ...rest] = args.positional;
  if (sub !== undefined && (sub !== 'show' || rest.length !== 1)) {
    io.stderr(`bakehouse history: ${sub === 'show' ? 'show takes one run id' : `unknown subcommand "${sub}"`}.\n${USAGE}\n`);
    return 1;
  }
  const status = flagString(args, 'status');
  if (status !== undefined && !isRunStatus(status)) {
    io.stderr(`bakehouse history: -status must be one of ${RUN_STATUSES.join(', ')}, not "${status}".\n`);
    return 1;
  }
  const count = flagInt(args, 'n', DEFAULT_COUNT);
  if (count < 0) {
    io.stderr('bakehouse history: -n must be 0 (all) or more.\n');
    return 1;
  }
  const opened = await History.open(dataDir(io.env));
  if (!opened.ok) {
    io.stderr(`bakehouse history: ${opened.error}\n`);
    return 1;
  }
  const history = opened.value;
  try {
    const json = flagBool(args, 'json');
    if (sub === 'show') {
      const runId = history.resolve(rest[0]);
      const run = runId === undefined ? undefined : history.detail(runId);
      if (!run) {
        io.stderr(`bakehouse history: no run ${rest[0]} in the history (or more than one starts so); "bakehouse history" lists them.\n`);
        return 1;
      }
      io.stdout(json ? `${JSON.stringify(run, null, 2)}\n` : runText(run));
      return 0;
    }
    const template = flagString(args, 'template');
    const page = history.list({
      limit: count === 0 ? -1 : count,
      template: template === undefined ? undefined : resolve(io.cwd, template),
      status: status !== undefined && isRunStatus(status) ? status : undefined,
    });
    if (json) io.stdout(`${JSON.stringify(page.runs, null, 2)}\n`);
    else if (page.runs.length === 0) io.stdout('No runs recorded yet. Each "bakehouse build", and each build from the app, is recorded.\n');
    else io.stdout(runsTable(page.runs));
    return 0;
  } finally {
    history.close();
  }
}
