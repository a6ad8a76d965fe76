/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/**
 * The History page against the real host: the Docker example built twice — from the build panel, then with "Run again
 * with the same inputs" from the History page — and both runs listed newest first, each with its per-step timeline,
 * artifacts and log; the filters narrow the list.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {closeBrowser, withApp, dockerTestOptions } from './fixture';
import { AppPage } from './pages/app-page';

after(closeBrowser);

const opts = dockerTestOptions(420_000);

const BUILD = 'example.docker.debian';

test('build twice, see both runs in History with their timelines, artifacts and logs; filter the list; open a failed run at its error line', opts, async () => {
  await withApp(async (served, page) => {
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openExample();
    // A one-word greeting (the example's default splits at docker commit: see build.test.ts); run again must reuse it.
    await page.getByLabel('Variable greeting').fill('Hello-from-history');
    await app.build.run();
    assert.equal(await app.build.waitForResult(), 'succeeded', await app.build.logText());

    const history = app.history;
    await history.open();
    await history.waitForCount(1);
    const [first] = await history.runIds();
    await history.openRun(first);
    assert.match((await history.summary().textContent()) ?? '', /succeeded/);
    assert.match((await history.summary().textContent()) ?? '', /greeting = Hello-from-history \(cli\)/);
    const firstBars = await history.bars(BUILD);
    assert.ok(firstBars.some((b) => /^provisioner shell: \S+, succeeded$/.test(b)), firstBars.join('\n'));
    assert.ok(firstBars.some((b) => /^post-processor /.test(b)), firstBars.join('\n'));
    assert.ok(firstBars.some((b) => /^StepPull: /.test(b) || /^Step\w+: /.test(b)), firstBars.join('\n'));
    await page.waitForFunction(() => Number((document.querySelector('.history-detail [data-testid="log-count"]')?.textContent ?? '0').replace(/\D/g, '')) > 10);
    assert.ok((await page.getByRole('button', { name: `Copy the id of ${BUILD}'s artifact`, exact: false }).count()) > 0, 'artifacts have copy buttons');

    // The second build: the same inputs, from the History page.
    await history.runAgain();
    await history.waitForCount(2);
    const ids = await history.runIds();
    assert.equal(ids.length, 2);
    assert.equal(ids[1], first, 'newest first');
    const second = ids[0];
    // The detail follows the new run and shows it finished.
    await page.waitForFunction(
      (id) => {
        const region = document.querySelector(`section[aria-label="Run ${id}"]`);
        return region?.querySelector('.run-summary .result')?.textContent === 'succeeded';
      },
      second,
      { timeout: 240_000 },
    );
    await history.openRun(second);
    await page.waitForFunction(() => Number((document.querySelector('.history-detail [data-testid="log-count"]')?.textContent ?? '0').replace(/\D/g, '')) > 10);
    assert.match((await history.summary().textContent()) ?? '', /greeting = Hello-from-history \(cli\)/, 'run again used the same inputs');
    const secondBars = await history.bars(BUILD);
    assert.deepEqual(secondBars.map((b) => b.split(':')[0]), firstBars.map((b) => b.split(':')[0]), 'the same steps, in the same order');
    for (const g of await history.barGeometry(BUILD)) {
      assert.ok(g.left >= -0.001 && g.left + g.width <= 1.001, JSON.stringify(g));
    }
    await app.screenshot('history');

    await history.openRun(first);
    assert.equal((await history.bars(BUILD)).length, firstBars.length);

    await history.filterStatus('failed');
    await history.waitForCount(0);
    await history.filterStatus('');
    await history.waitForCount(2);
    await history.filterText('docker-debian');
    await history.waitForCount(2);
    await history.filterText(second.slice(0, 8));
    await history.waitForCount(1);
    assert.deepEqual(await history.runIds(), [second]);
    await history.filterText('no such run');
    await history.waitForCount(0);

    // A third run fails (its base image is not there): History opens it at its error's line in the template as it ran.
    await history.filterText('');
    await history.back();
    await page.getByLabel('Variable base_image').fill('local/none:missing');
    await app.build.run();
    // The panel still shows the last run's result until this one ends: wait for this one's.
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'failed', undefined, { timeout: 180_000 }).catch(async (e: unknown) => {
      throw new Error(`the run with a missing base image did not fail: ${String(e)}\n${await app.build.logText()}`);
    });
    await history.open();
    await history.waitForCount(3);
    const [failed] = await history.runIds();
    await history.openRun(failed);
    assert.match((await history.summary().textContent()) ?? '', /failed/);
    assert.match((await history.errorPlace().textContent()) ?? '', /^Failed at debian\.pkr\.hcl:\d+:1: the source of example\.docker\.debian \(Step\w+ failed\)$/);
    const marked = await history.markedLine();
    assert.equal(marked.text, 'source "docker" "debian" {');
    assert.ok(marked.visible, 'the error line is scrolled into view');
    assert.match((await history.errorPlace().textContent()) ?? '', new RegExp(`:${marked.number}:1:`));
    assert.equal(await page.getByRole('list', { name: 'Duration trend' }).getByRole('listitem').count(), 3);
    await app.screenshot('history-failed-run');
  });
});
