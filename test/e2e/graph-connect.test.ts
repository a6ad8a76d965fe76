/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/** Connecting post-processors in the graph: a drag or the node form chains them in the text; undo and redo restore it exactly. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { canRun, closeBrowser, withApp } from './fixture';
import { AppPage } from './pages/app-page';

after(closeBrowser);

const uiOpts = { skip: canRun ? false : 'needs /usr/bin/chromium and a built renderer (npm run build)', timeout: 120_000 };

const CHAINED = `  post-processors {
    post-processor "docker-tag" {
      repository = local.repository
      tags       = ["latest"]
    }
    post-processor "manifest" {
      output     = "manifest.json"
      strip_path = true
    }
  }
`;
const STANDALONE = `  post-processor "docker-tag" {
    repository = local.repository
    tags       = ["latest"]
  }

  post-processor "manifest" {
    output     = "manifest.json"
    strip_path = true
  }
`;

test('dragging from one post-processor to another chains them in the text; cutting the edge splits the chain; undo and redo restore each text', uiOpts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openExample();
    const before = await app.editor.text();
    assert.ok(before.includes(CHAINED), 'the example chains docker-tag into manifest');
    const split = before.replace(CHAINED, STANDALONE);

    // The edge between the two chained post-processors carries a button that cuts the chain there.
    await app.graph.splitChain('docker-tag', 'manifest');
    await app.editor.waitForExactText(split);

    // Now two standalone blocks: a drag from docker-tag's output onto manifest's input chains them again.
    await app.graph.node('post-processor', 'manifest').waitFor();
    await app.graph.connect('docker-tag', 'manifest');
    await app.editor.waitForExactText(before);
    await page.getByRole('button', { name: 'Split chain between docker-tag and manifest', exact: true }).waitFor();
    await app.screenshot('graph-chain');

    // Undo takes back the drag, then the cut; redo does the cut again, exactly.
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await app.editor.waitForExactText(split);
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await app.editor.waitForExactText(before);
    await page.getByRole('button', { name: 'Redo', exact: true }).click();
    await app.editor.waitForExactText(split);

    // A drag the other way round puts manifest first: the target goes right after the source.
    await app.graph.connect('manifest', 'docker-tag');
    await app.editor.waitForText(/post-processors \{\n    post-processor "manifest" \{[^}]*\}\n    post-processor "docker-tag" \{/);
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await app.editor.waitForExactText(split);
  });
});

test('without a mouse: the node form chains a post-processor after another and splits it off again', uiOpts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openExample();
    const before = await app.editor.text();
    const split = before.replace(CHAINED, STANDALONE);

    await app.graph.select('post-processor', 'manifest');
    await page.getByRole('button', { name: 'Split chain between docker-tag and manifest', exact: true }).last().click();
    await app.editor.waitForExactText(split);
    // The graph of the split text: its nodes have new ids (they carry their lines), and the options name nodes by id.
    await page.waitForFunction(() => !document.querySelector('[aria-label="Split chain between docker-tag and manifest"]'), undefined, { timeout: 10_000 });

    await app.graph.select('post-processor', 'manifest');
    const select = page.getByLabel('Chain manifest after', { exact: true });
    const option = await select.locator('option', { hasText: 'docker-tag' }).getAttribute('value');
    assert.ok(option);
    await select.selectOption(option);
    await app.editor.waitForExactText(before);

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await app.editor.waitForExactText(split);
  });
});
