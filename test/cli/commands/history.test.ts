/**
 * `bakehouse history` as users run it (the built CLI in child processes): two builds of a template, then the list, its
 * JSON, -n, -status and -template filters, and `history show` by a prefix of the run id.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HistoryRun, HistoryRunDetail } from '../../../core/contract/types';
import { TEMPLATE, workspace } from '../../app/fixtures';
import { runBakehouse } from '../run-cli';

test('history lists the builds newest first (table, -json, -n, -status, -template) and show prints one run with its steps', () => {
  const ws = workspace();
  const failing = workspace(TEMPLATE.replace('inline = ["echo second"]', 'inline = ["exit 7"]'), 'failing.pkr.hcl');
  const env = { BAKEHOUSE_DATA_DIR: ws.dataDir, TZ: 'UTC' };
  assert.deepEqual(runBakehouse(['history'], { env }), { code: 0, stdout: 'No runs recorded yet. Each "bakehouse build", and each build from the app, is recorded.\n', stderr: '' });

  assert.equal(runBakehouse(['build', '-var', 'password=s3cret-value', 'build.pkr.hcl'], { env, cwd: join(ws.dir, 'tpl') }).code, 0);
  assert.equal(runBakehouse(['build', failing.templatePath], { env }).code, 1);

  const json = runBakehouse(['history', '-json'], { env });
  assert.equal(json.code, 0, json.stderr);
  const runs = JSON.parse(json.stdout) as HistoryRun[];
  assert.deepEqual(runs.map((r) => [r.template, r.status, r.startedBy]), [
    [failing.templatePath, 'failed', 'cli'],
    [ws.templatePath, 'succeeded', 'cli'],
  ]);

  const table = runBakehouse(['history'], { env });
  assert.equal(table.code, 0);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^RUN +STARTED +DURATION +STATUS +BY +TEMPLATE$/);
  assert.match(lines[1], new RegExp(`^${runs[0].runId.slice(0, 8)}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  [\\d.]+m?s +failed +cli  ${failing.templatePath}$`));
  assert.match(lines[2], new RegExp(`^${runs[1].runId.slice(0, 8)}  .* succeeded  cli  ${ws.templatePath}$`));
  assert.equal(lines.length, 3);

  assert.deepEqual((JSON.parse(runBakehouse(['history', '--json', '-n', '1'], { env }).stdout) as HistoryRun[]).map((r) => r.runId), [runs[0].runId]);
  assert.deepEqual((JSON.parse(runBakehouse(['history', '-json', '-status=succeeded'], { env }).stdout) as HistoryRun[]).map((r) => r.runId), [runs[1].runId]);
  const byTemplate = runBakehouse(['history', '-json', '-template', 'build.pkr.hcl'], { env, cwd: join(ws.dir, 'tpl') });
  assert.deepEqual((JSON.parse(byTemplate.stdout) as HistoryRun[]).map((r) => r.runId), [runs[1].runId]);

  const show = runBakehouse(['history', 'show', runs[1].runId.slice(0, 8)], { env });
  assert.equal(show.code, 0, show.stderr);
  assert.ok(!show.stdout.includes('s3cret-value'));
  const text = show.stdout;
  assert.match(text, new RegExp(`^Run: +${runs[1].runId}\\nTemplate: +${ws.templatePath} \\(sha256 [0-9a-f]{12}\\)\\nStarted: +\\S+ \\S+ by cli\\nFinished: +\\S+ \\S+, after \\S+\\nStatus: +succeeded\\n`));
  assert.match(text, /\n {4}greeting = hello \(default\)\n {4}password = <sensitive> \(cli\)\n/);
  assert.match(text, new RegExp(`\\nLog: +${join(ws.dataDir, 'runs', `${runs[1].runId}.jsonl`)}\\n`));
  assert.match(text, /\nBuild null\.box \(null\): succeeded in \S+\n/);
  assert.match(text, /\n +\+\S+ +\S+ +provisioner shell-local +succeeded\n/);
  assert.match(text, /\n +\+\S+ +\S+ +post-processor shell-local +succeeded\n/);
  assert.match(text, /\n {2}Artifacts:\n {4}fnoeding\.null: Did not export anything\. This is the null builder\n/);

  const failed = runBakehouse(['history', 'show', runs[0].runId], { env });
  assert.match(failed.stdout, /\nStatus: +failed: null\.box: Script exited with non-zero exit status: 7/);
  assert.match(failed.stdout, /\n +\+\S+ +\S+ +provisioner shell-local +failed: Script exited with non-zero exit status: 7/);
  const detail = JSON.parse(runBakehouse(['history', 'show', runs[0].runId, '-json'], { env }).stdout) as HistoryRunDetail;
  assert.equal(detail.buildDetails.length, 2);

  assert.deepEqual(runBakehouse(['history', 'show', 'nope'], { env }), {
    code: 1,
    stdout: '',
    stderr: 'bakehouse history: no run nope in the history (or more than one starts so); "bakehouse history" lists them.\n',
  });
  assert.equal(runBakehouse(['history', '-status', 'odd'], { env }).stderr, 'bakehouse history: -status must be one of running, succeeded, failed, cancelled, not "odd".\n');
  assert.equal(runBakehouse(['history', 'list'], { env }).code, 1);
});

test('history in a data folder without one says so, and creates nothing but the database', () => {
  const env = { BAKEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bakehouse-history-cli-')) };
  assert.deepEqual(JSON.parse(runBakehouse(['history', '-json'], { env }).stdout), []);
});
