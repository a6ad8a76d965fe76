/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/** A legacy JSON template edited on the graph: the form, adding, removing and reordering provisioners, chains — the text stays JSON. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { canRun, closeBrowser, REPO, withApp } from './fixture';
import { AppPage } from './pages/app-page';

after(closeBrowser);

const uiOpts = { skip: canRun ? false : 'needs /usr/bin/chromium and a built renderer (npm run build)', timeout: 120_000 };

interface Seed {
  provisioners: Array<{ type: string; destination?: string; max_retries?: number }>;
  'post-processors': unknown[];
}

test('a JSON template is edited from the graph and stays valid JSON; undo takes each edit back', uiOpts, async () => {
  await withApp(async (served, page) => {
    const dir = join(served.workDir, 'json-seed');
    mkdirSync(dir);
    for (const f of ['seed.json', 'built-by.txt']) copyFileSync(join(REPO, 'bench/fixtures/docker-seed', f), join(dir, f));
    const app = new AppPage(page);
    await app.open(served.url);
    await page.getByLabel('Template path').fill(join(dir, 'seed.json'));
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await app.editor.waitReady();
    await app.graph.waitForNodes(6);
    const before = await app.editor.text();
    const doc = async () => JSON.parse(await app.editor.text()) as Seed;

    // The form: a value changed in place, a setting added.
    await app.graph.select('provisioner', 'file');
    assert.equal(await app.graph.fieldValue('file', 'destination', '/srv/built-by'), '/srv/built-by');
    await app.graph.setField('file', 'destination', '/srv/made-by');
    await app.editor.waitForText(/"destination": "\/srv\/made-by"/);
    await app.graph.setField('file', 'max_retries', '2');
    await app.editor.waitForText(/"max_retries": 2/);
    assert.deepEqual((await doc()).provisioners[1], { type: 'file', source: 'built-by.txt', destination: '/srv/made-by', max_retries: 2 });

    // Adding after the selected provisioner, moving it, removing it.
    await app.graph.addProvisioner('shell-local');
    await app.editor.waitForText(/"shell-local"/);
    assert.deepEqual((await doc()).provisioners.map((p) => p.type), ['shell', 'file', 'shell-local', 'shell']);
    await app.graph.waitForNodes(7);
    await app.graph.select('provisioner', 'shell-local');
    await page.getByRole('button', { name: 'Move shell-local up' }).click();
    await page.waitForFunction(() => {
      const s = (window as unknown as { bakehouseUi: { store: { getState(): { texts: Record<string, string>; activeFile: string } } } }).bakehouseUi.store.getState();
      return /"shell-local"[\s\S]*"file"/.test(s.texts[s.activeFile]);
    });
    assert.deepEqual((await doc()).provisioners.map((p) => p.type), ['shell', 'shell-local', 'file', 'shell']);
    await app.graph.select('provisioner', 'shell-local');
    await page.getByRole('button', { name: 'Remove shell-local' }).click();
    await app.graph.waitForNodes(6);
    assert.deepEqual((await doc()).provisioners.map((p) => p.type), ['shell', 'file', 'shell']);

    // The docker-tag → manifest chain split into two standalone post-processors.
    await app.graph.splitChain('docker-tag', 'manifest');
    await page.waitForFunction(() => {
      const s = (window as unknown as { bakehouseUi: { store: { getState(): { texts: Record<string, string>; activeFile: string } } } }).bakehouseUi.store.getState();
      return !(JSON.parse(s.texts[s.activeFile]) as Seed)['post-processors'].some(Array.isArray);
    });
    assert.equal((await doc())['post-processors'].length, 2);
    assert.equal(await app.problemCount().textContent(), '0 problems');

    // Undo goes back through every edit to the text as it was opened.
    for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await app.editor.waitForExactText(before);
  });
});
