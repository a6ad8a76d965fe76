/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/** The node form generated from the component's schema, and node states during a run, as the user sees them. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canRun, closeBrowser, REPO, withApp, dockerTestOptions } from './fixture';
import { AppPage } from './pages/app-page';

after(closeBrowser);

const uiOpts = { skip: canRun ? false : 'needs /usr/bin/chromium and a built renderer (npm run build)', timeout: 120_000 };
const buildOpts = dockerTestOptions(300_000);

test('the node form comes from the schema: typed fields, help text, required markers; edits go to the text and undo takes them back', uiOpts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openExample();
    const before = await app.editor.text();

    await app.graph.select('provisioner', 'file');
    const destination = app.graph.formField('file', 'destination');
    await destination.waitFor();
    // Required, with the schema's description as help and the value read from the text (unquoted).
    assert.ok(await destination.locator('.required-marker').isVisible(), 'destination is marked required');
    assert.match((await destination.locator('.field-help').textContent()) ?? '', /\S{10,}/);
    assert.equal(await app.graph.fieldValue('file', 'destination', '/srv/built-by'), '/srv/built-by');
    // A setting not written in the block is still offered, under "More settings", with its type.
    await app.graph.form('file').getByText(/More settings/).click();
    assert.match((await app.graph.formField('file', 'max_retries').textContent()) ?? '', /number/);
    await app.screenshot('node-form');

    await app.graph.setField('file', 'destination', '/srv/made-by');
    await app.editor.waitForText(/destination = "\/srv\/made-by"/);
    await app.graph.setField('file', 'max_retries', '2');
    await app.editor.waitForText(/max_retries = 2/);
    let text = await app.editor.text();
    // Only those two places changed: comments and the rest of the file are as they were.
    assert.equal(text.replace('destination = "/srv/made-by"', 'destination = "/srv/built-by"').replace(/\n\s*max_retries = 2/, ''), before);

    // A list is edited one item per line and written back as an HCL list.
    await app.graph.select('provisioner', 'shell', 1);
    const inline = page.getByLabel('inline of shell', { exact: true });
    assert.equal(await app.graph.fieldValue('shell', 'inline', 'ls -l /srv'), 'ls -l /srv');
    await inline.fill('ls -l /srv\necho "two"');
    await inline.press('Tab');
    await app.editor.waitForText(/inline = \["ls -l \/srv", "echo \\"two\\""\]/);
    // A bool is a choice; choosing the default again removes the line.
    await app.graph.setField('shell', 'expect_disconnect', 'true');
    await app.editor.waitForText(/expect_disconnect = true/);
    // The form shows the new text's value before the user can choose the default again (choosing what it shows changes nothing).
    assert.equal(await app.graph.fieldValue('shell', 'expect_disconnect', 'true'), 'true');
    await app.graph.setField('shell', 'expect_disconnect', '');
    await page.waitForFunction(() => {
      const s = (window as unknown as { bakehouseUi: { store: { getState(): { texts: Record<string, string>; activeFile: string } } } }).bakehouseUi.store.getState();
      return !s.texts[s.activeFile].includes('expect_disconnect');
    });

    // The source's form: its builder's schema, a variable reference shown as an expression.
    await app.graph.select('source', 'docker.debian');
    assert.equal(await app.graph.fieldValue('docker.debian', 'image', 'var.base_image'), 'var.base_image');
    assert.equal(await app.graph.fieldValue('docker.debian', 'pull', 'false'), 'false');

    // Undo in the editor goes back through every form edit, one at a time.
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await app.editor.waitForExactText(before);
    text = await app.editor.text();
    assert.equal(text, before);
    // And the form shows the text's value again.
    await app.graph.select('provisioner', 'file');
    assert.equal(await app.graph.fieldValue('file', 'destination', '/srv/built-by'), '/srv/built-by');
  });
});

test('typing above the selected block keeps it selected with its form, though its place in the text moved', uiOpts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openExample();
    await app.graph.select('provisioner', 'shell', 1);
    assert.equal(await app.graph.fieldValue('shell', 'inline', 'ls -l /srv'), 'ls -l /srv');
    const secondShellLine = () =>
      page.evaluate(() => {
        const s = (window as unknown as { bakehouseUi: { store: { getState(): { analysis?: { graph: { nodes: Array<{ kind: string; label: string; range?: { start: { line: number } } }> } } } } } }).bakehouseUi.store.getState();
        return s.analysis?.graph.nodes.filter((n) => n.kind === 'provisioner' && n.label === 'shell')[1]?.range?.start.line ?? 0;
      });
    const line = await secondShellLine();
    await app.editor.goToLineEnd(1);
    await app.editor.type('\n# a note typed at the top');
    await page.waitForFunction(
      (was) => {
        const s = (window as unknown as { bakehouseUi: { store: { getState(): { analysis?: { graph: { nodes: Array<{ kind: string; label: string; range?: { start: { line: number } } }> } } } } } }).bakehouseUi.store.getState();
        return (s.analysis?.graph.nodes.filter((n) => n.kind === 'provisioner' && n.label === 'shell')[1]?.range?.start.line ?? 0) > was;
      },
      line,
      { timeout: 10_000 },
    );
    assert.equal(await secondShellLine(), line + 1);
    assert.ok(await app.graph.node('provisioner', 'shell').nth(1).and(page.locator('.selected')).isVisible(), 'the second shell is still selected');
    assert.equal(await app.graph.fieldValue('shell', 'inline', 'ls -l /srv', 2_000), 'ls -l /srv');
  });
});

test('during a run each node shows its own state and duration; a failing provisioner fails, the rest are skipped', buildOpts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openExample();
    await page.getByLabel('Variable greeting').fill('Hi');
    // The first shell provisioner sleeps, so it is seen running while the others wait; the last one fails.
    await app.graph.select('provisioner', 'shell', 0);
    await page.getByLabel('inline of shell', { exact: true }).fill('mkdir -p /srv\necho "$GREETING" > /srv/motd\nsleep 3');
    await page.getByLabel('inline of shell', { exact: true }).press('Tab');
    await app.editor.waitForText(/sleep 3/);
    await app.graph.select('provisioner', 'shell', 1);
    await app.graph.setField('shell', 'inline', 'exit 7');
    await app.editor.waitForText(/inline = \["exit 7"\]/);

    await app.build.run();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="node-provisioner-shell"]')[0]?.getAttribute('data-state') === 'running', undefined, { timeout: 120_000 });
    assert.equal(await app.graph.node('provisioner', 'file').getAttribute('data-state'), 'queued');
    assert.equal(await app.graph.node('source', 'docker.debian').getAttribute('data-state'), 'done');
    await app.screenshot('node-states-running');

    assert.equal(await app.build.waitForResult(), 'failed');
    const first = await app.graph.statePill('provisioner', 'shell', 0);
    const seconds = Number(/done · ([\d.]+) s/.exec(first)?.[1]);
    assert.ok(seconds >= 3 && seconds < 60, `the sleeping provisioner took its 3 s: ${first}`);
    assert.match(await app.graph.statePill('provisioner', 'file'), /^done · \d+(\.\d)? (ms|s)$/);
    assert.match(await app.graph.statePill('provisioner', 'shell', 1), /^failed · \d/);
    assert.equal(await app.graph.node('post-processor', 'docker-tag').getAttribute('data-state'), 'skipped');
    assert.equal(await app.graph.node('post-processor', 'manifest').getAttribute('data-state'), 'skipped');
    // The failed node's details say why.
    await app.graph.select('provisioner', 'shell', 1);
    assert.match((await page.getByTestId('node-run').textContent()) ?? '', /failed in .*non-zero exit status: 7/);
    await app.screenshot('node-states-failed');
  });
});

test('started from a folder without the example, the first-run screen opens the bundled one as the user\'s copy and builds it in one click', buildOpts, async () => {
  const bundled = join(REPO, 'resources/examples/docker-debian');
  const before = readdirSync(bundled).sort();
  await withApp(
    async (served, page) => {
      const app = new AppPage(page);
      await app.open(served.url);
      await app.openExample();
      // The copy lives in the data folder: the app's own folder may be read-only, and the build writes next to the template.
      assert.match((await page.locator('header, .app').first().textContent()) ?? '', new RegExp(`${served.dataDir}/examples/docker-debian`));
      await page.getByLabel('Variable greeting').fill('Hi');
      await app.build.run();
      assert.equal(await app.build.waitForResult(), 'succeeded', await app.build.logText());
      assert.ok(existsSync(join(served.dataDir, 'examples/docker-debian/manifest.json')), 'the manifest went next to the user\'s copy');
    },
    { copyExample: false },
  );
  assert.deepEqual(readdirSync(bundled).sort(), before, 'the bundled example is left as it was');
});
