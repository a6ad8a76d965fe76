/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { canRun, closeBrowser, withApp } from './fixture';
import { AppPage } from './pages/app-page';

after(closeBrowser);
const opts = { skip: canRun ? false : 'needs /usr/bin/chromium and a built renderer (npm run build)', timeout: 120_000 };

test('first run opens the example; a typo shows a marker and an error on its node, and fixing it clears both', opts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    await app.open(served.url);
    await app.screenshot('first-run');
    await app.openExample();
    const text = await app.editor.text();
    assert.match(text, /source "docker" "debian"/);
    await app.screenshot('editor-and-graph');

    // The typo goes inside the file provisioner, on a new line after its destination (found by content, not number).
    const destinationLine = text.split('\n').findIndex((l) => l.includes('destination = "/srv/built-by"')) + 1;
    assert.ok(destinationLine > 0, 'the example has a file provisioner');
    await app.editor.goToLineEnd(destinationLine);
    // Under load, a keystroke can land while focus comes back from the go-to-line box: type only once the new line is there.
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.keyboard.press('Enter');
      const opened = await page
        .waitForFunction((line) => {
          const ui = (window as unknown as { bakehouseUi: { store: { getState(): { texts: Record<string, string>; activeFile: string } } } }).bakehouseUi;
          const lines = (ui.store.getState().texts[ui.store.getState().activeFile] ?? '').split('\n');
          return lines[line - 1]?.includes('/srv/built-by') === true && lines[line]?.trim() === '';
        }, destinationLine, { timeout: 5_000 })
        .then(() => true, () => false);
      if (opened) break;
    }
    await app.editor.type('bogus = 1');
    await app.editor.errorMarkers().first().waitFor({ timeout: 15_000 });
    const fileNode = app.graph.node('provisioner', 'file');
    // Analyses of the text typed so far ("bogus" without "= 1") may arrive first under load: wait for the finished line's.
    await page.waitForFunction(() => {
      const node = document.querySelector('[data-testid="node-provisioner-file"]');
      return node?.classList.contains('has-errors') && /Unsupported argument/.test(node.textContent ?? '');
    }, undefined, { timeout: 15_000 }).catch(async (e: Error) => {
      e.message += `\n-- node: ${await fileNode.textContent()}\n-- text:\n${(await app.editor.text()).split('\n').slice(destinationLine - 3, destinationLine + 3).join('\n')}`;
      throw e;
    });
    assert.match((await fileNode.getAttribute('aria-label')) ?? '', /1 error/);
    assert.match((await fileNode.textContent()) ?? '', /Unsupported argument/);
    await app.screenshot('error-on-node');

    await app.editor.goToLineEnd(destinationLine + 1);
    await page.keyboard.press('Control+Shift+K');
    await page.waitForFunction(() => document.querySelectorAll('.squiggly-error').length === 0, undefined, { timeout: 15_000 });
    await page.waitForFunction(() => !document.querySelector('.pipeline-node.has-errors'));
    assert.equal(await app.problemCount().textContent(), '0 problems');
  });
});

test('adding a provisioner on the graph edits the text after the selected block; undo takes it back', opts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openExample();
    const before = await app.editor.text();
    await app.graph.select('provisioner', 'file');
    await app.graph.addProvisioner('shell-local');
    await app.graph.waitForNodes(7);
    const text = await app.editor.text();
    assert.ok(text.includes('    destination = "/srv/built-by"\n  }\n\n  provisioner "shell-local" {\n    inline = ["echo done"]\n  }\n\n  provisioner "shell" {'), text);
    // Everything else, comments included, is untouched.
    assert.equal(text.replace('  provisioner "shell-local" {\n    inline = ["echo done"]\n  }\n\n', ''), before);
    // The node's form edits the attribute in the text.
    await app.graph.select('provisioner', 'shell-local');
    const inline = page.getByLabel('inline of shell-local');
    await inline.fill('["echo changed"]');
    await inline.press('Enter');
    await app.editor.waitForText(/inline = \["echo changed"\]/);

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await app.graph.waitForNodes(6);
    assert.equal(await app.editor.text(), before);
    await page.getByRole('button', { name: 'Redo', exact: true }).click();
    await app.graph.waitForNodes(7);
  });
});

test('editing the text changes the graph', opts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openExample();
    // Bring the second shell step's line into view (found by content), then click at its end as a user would.
    const inlineLine = (await app.editor.text()).split('\n').findIndex((l) => l.includes('inline = ["ls -l /srv"]')) + 1;
    assert.ok(inlineLine > 0, 'the example has the second shell step');
    await app.editor.goToLineEnd(inlineLine);
    await app.editor.clickLineEnd('inline = ["ls -l /srv"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await app.editor.type('provisioner "breakpoint" {}');
    await app.graph.waitForNodes(7).catch(async (e: Error) => {
      e.message += `\n-- text:\n${(await app.editor.text()).split('\n').slice(48, 60).join('\n')}`;
      throw e;
    });
    await app.graph.node('provisioner', 'breakpoint').waitFor();
    // Selecting the node reveals its block in the editor.
    await app.graph.select('provisioner', 'breakpoint');
    await page.locator('.selected-block').first().waitFor();
  });
});
