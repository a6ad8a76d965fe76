/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/** Stepping through a Docker build in the app: a breakpoint on a node, a terminal into the container, the on-error dialog. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {closeBrowser, withApp, dockerTestOptions } from './fixture';
import { AppPage } from './pages/app-page';
import { SteppingPage } from './pages/stepping-page';

after(closeBrowser);

const opts = dockerTestOptions(300_000);

test('a breakpoint on a node pauses the build; a terminal shows the container; Continue closes it and the build succeeds', opts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    const stepping = new SteppingPage(page);
    await app.open(served.url);
    await app.openExample();
    await page.getByLabel('Variable greeting').fill('Hi');
    await stepping.toggleBreakpoint('provisioner', 'file');
    // Kept beside the template in the data folder, never in it (the dot turns at once; the host saves a moment later).
    const saved = join(served.dataDir, 'breakpoints.json');
    for (let i = 0; i < 50 && !existsSync(saved); i++) await page.waitForTimeout(100);
    assert.match(readFileSync(saved, 'utf8'), /"kind": "provisioner"/);
    assert.doesNotMatch(readFileSync(join(served.workDir, 'resources/examples/docker-debian/debian.pkr.hcl'), 'utf8'), /breakpoint/);
    await app.build.run();
    await stepping.banner().waitFor({ timeout: 120_000 });
    assert.match((await stepping.banner().textContent()) ?? '', /Paused: example\.docker\.debian, before provisioner file/);
    assert.match((await app.graph.node('provisioner', 'file').getAttribute('class')) ?? '', /\bpaused\b/);
    await stepping.openTerminal();
    await stepping.type('cat /etc/os-release\n');
    // The last lines of the answer (the panel is a few rows high; the first ones scrolled up).
    const screen = await stepping.waitForScreen(/VERSION_CODENAME=bookworm/);
    assert.match(screen, /^VERSION="12 \(bookworm\)"$/m);
    assert.match(screen, /^ID=debian$/m);
    // What the provisioner before the breakpoint did is there to see.
    await stepping.type('cat /srv/motd\n');
    await stepping.waitForScreen(/^Hi\s*$/m);
    await app.screenshot('terminal');
    await stepping.answer(/Continue/);
    await stepping.terminal().waitFor({ state: 'hidden' });
    await stepping.banner().waitFor({ state: 'hidden' });
    assert.equal(await app.build.waitForResult(), 'succeeded', await app.build.logText());
  });
});

test('a failing step asks in a dialog; after the file is fixed, Retry the step runs it again and the build succeeds', opts, async () => {
  await withApp(async (served, page) => {
    const example = join(served.workDir, 'resources/examples/docker-debian');
    const template = join(example, 'debian.pkr.hcl');
    writeFileSync(
      template,
      readFileSync(template, 'utf8').replace('  post-processors {', '  provisioner "shell" {\n    name   = "check"\n    script = "check.sh"\n  }\n\n  post-processors {'),
    );
    writeFileSync(join(example, 'check.sh'), '#!/bin/sh\necho "checking motd"\ngrep -q Bakehouse /srv/motd\n');
    const app = new AppPage(page);
    const stepping = new SteppingPage(page);
    await app.open(served.url);
    await app.openPath('resources/examples/docker-debian', 7);
    await page.getByLabel('Variable greeting').fill('Hi');
    await page.getByLabel('On error').selectOption('ask');
    await app.build.run();
    const dialog = stepping.onErrorDialog();
    await dialog.waitFor({ timeout: 120_000 });
    assert.match((await dialog.textContent()) ?? '', /The build failed: example\.docker\.debian/);
    const buttons = await dialog.getByRole('button').allTextContents();
    assert.deepEqual(buttons.map((b) => b.replace(/^\W+/, '').trim()), ['Retry the step', 'Clean up', 'Abort', 'Open a terminal']);
    await app.screenshot('on-error-dialog');
    // The fix: the script now checks what the build really wrote.
    writeFileSync(join(example, 'check.sh'), '#!/bin/sh\necho "checking motd again"\ngrep -q Hi /srv/motd\n');
    await stepping.answer('Retry the step', dialog);
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await app.build.waitForResult(), 'succeeded', await app.build.logText());
    assert.match(await app.build.logText(), /checking motd again/);
  });
});
