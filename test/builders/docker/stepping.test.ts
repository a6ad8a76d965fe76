/** A Docker build paused at a breakpoint: a terminal into its container while it waits, closed when it goes on. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Terminal } from '../../../core/engine/terminal';
import { readTerminal } from '../../support/terminal-reader';
import { requireDocker, runBuild, workDir } from './harness';

before(() => requireDocker());

test('paused before a provisioner, a terminal shows the container (with what earlier provisioners did); Continue closes it', async () => {
  let terminal: Terminal | undefined;
  let screen = '';
  const ran = await runBuild(
    {
      builder: { discard: true },
      provisioners: [
        ['shell', { inline: ['echo made-by-first > /tmp/first'] }, 'first'],
        ['shell', { inline: ['echo second ran'] }, 'second'],
      ],
    },
    workDir(),
    { breakpoints: [{ name: 'second' }] },
    (e, run) => {
      if (e.kind !== 'prompt') return;
      assert.equal(e.terminal, true);
      void (async () => {
        const opened = await run.openTerminal(e.promptId, { cols: 120, rows: 40 });
        assert.ok(opened.ok, opened.ok ? '' : opened.error);
        terminal = opened.value;
        const reader = readTerminal(terminal);
        terminal.write('cat /etc/os-release /tmp/first\r');
        screen = await reader.waitFor(/^made-by-first\r?$/m);
        run.answerPrompt(e.promptId, 'continue');
      })();
    },
  );
  assert.equal(ran.summary.result, 'succeeded', ran.log.join('\n'));
  assert.match(screen, /PRETTY_NAME="Debian GNU\/Linux 12 \(bookworm\)"/);
  assert.ok(terminal);
  await terminal.ended;
  assert.ok(ran.log.includes('second ran'));
});
