import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinPlugins } from '../../core/engine/builtin-plugins';
import { build, collect, provisioner, tempDir, texts } from './helpers';

const shell = (inline: string[], extra = {}) => provisioner('shell-local', { inline }, extra);

test('max_retries runs a failing provisioner again with a backoff, and says so as Packer does', async () => {
  const dir = tempDir();
  const counter = join(dir, 'n');
  writeFileSync(counter, '');
  const started = Date.now();
  const { summary, events } = await collect({
    builds: [build('null', { provisioners: [shell([`echo x >> ${counter}`, `test $(wc -l < ${counter}) -ge 3`], { maxRetries: 5 })] })],
    registry: builtinPlugins(),
    backoff: { initialMs: 50, maxMs: 1000, multiplier: 2 },
  });
  assert.equal(summary.builds[0].result, 'succeeded');
  assert.equal(readFileSync(counter, 'utf8').trim().split('\n').length, 3);
  assert.ok(Date.now() - started >= 150, 'waited 50ms then 100ms between attempts');
  const said = texts(events);
  assert.ok(said.includes('Provisioner failed with "Script exited with non-zero exit status: 1.Allowed exit codes are: [0]", retrying with 5 trie(s) left'));
  assert.ok(said.includes('Provisioner failed with "Script exited with non-zero exit status: 1.Allowed exit codes are: [0]", retrying with 4 trie(s) left'));
});

test('when retries run out the build fails with the last error after "retry limit reached."', async () => {
  const { summary, events } = await collect({
    builds: [build('null', { provisioners: [shell(['exit 3'], { maxRetries: 1 })] })],
    registry: builtinPlugins(),
  });
  assert.equal(summary.builds[0].error, 'Script exited with non-zero exit status: 3.Allowed exit codes are: [0]');
  assert.ok(texts(events).includes('retry limit reached.'));
});

test('timeout cancels a provisioner that runs too long and kills its command', async () => {
  const started = Date.now();
  const { summary, events } = await collect({
    builds: [build('null', { provisioners: [shell(['sleep 20'], { timeout: '300ms' })] })],
    registry: builtinPlugins(),
  });
  assert.ok(Date.now() - started < 5000);
  assert.equal(summary.builds[0].result, 'failed');
  assert.equal(summary.builds[0].error, 'The shell-local provisioner timed out after 300ms');
  assert.ok(texts(events).includes('Cancelling provisioner after a timeout...'));
});

test('pause_before waits before the provisioner runs', async () => {
  const started = Date.now();
  const { events } = await collect({
    builds: [build('null', { provisioners: [shell(['echo ran'], { pauseBefore: '200ms' })] })],
    registry: builtinPlugins(),
  });
  assert.ok(Date.now() - started >= 200);
  const said = texts(events);
  assert.ok(said.indexOf('Pausing 200ms before the next provisioner...') < said.indexOf('ran'));
});

for (const [policy, runs] of [
  ['cleanup', true],
  ['run-cleanup-provisioner', true],
  ['abort', false],
] as const) {
  test(`error-cleanup-provisioner ${runs ? 'runs' : 'does not run'} after a failed provisioner with -on-error=${policy}`, async () => {
    const dir = tempDir();
    const marker = join(dir, 'cleaned');
    const { summary, events } = await collect({
      builds: [build('null', { provisioners: [shell(['exit 1'])], errorCleanupProvisioner: shell([`touch ${marker}`]) })],
      registry: builtinPlugins(),
      onError: policy,
    });
    assert.equal(existsSync(marker), runs);
    assert.equal(summary.builds[0].result, 'failed');
    assert.equal(texts(events).includes('Provisioning step had errors: Running the cleanup provisioner, if present...'), runs);
  });
}

test('a failing error-cleanup-provisioner is reported with the original error', async () => {
  const { summary } = await collect({
    builds: [build('null', { provisioners: [shell(['exit 1'])], errorCleanupProvisioner: shell(['exit 2']) })],
    registry: builtinPlugins(),
  });
  assert.equal(
    summary.builds[0].error,
    'Cleanup failed: Script exited with non-zero exit status: 2.Allowed exit codes are: [0]. Original Provisioning error: Script exited with non-zero exit status: 1.Allowed exit codes are: [0]',
  );
});

test('breakpoint pauses with its note until the prompt is answered', async () => {
  const { events, summary } = await collect(
    { builds: [build('null', { provisioners: [provisioner('breakpoint', { note: 'check the disk' }), shell(['echo after'])] })], registry: builtinPlugins() },
    (e, run) => {
      if (e.kind === 'prompt') setTimeout(() => run.answerPrompt(e.promptId, 'continue'), 30);
    },
  );
  assert.equal(summary.builds[0].result, 'succeeded');
  const kinds = events.map((e) => (e.kind === 'output' ? e.line : e.kind === 'message' ? e.text : e.kind));
  const at = kinds.indexOf('Pausing at breakpoint provisioner with note "check the disk".');
  assert.ok(at >= 0);
  assert.ok(kinds.indexOf('prompt') > at && kinds.indexOf('prompt-answered') < kinds.indexOf('after'));
});
