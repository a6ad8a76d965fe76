/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/**
 * Resume on a failed run, as a user meets it: a Docker template whose third shell step fails is built in the app and
 * fails; the user fixes the script in their editor and presses Resume, on the run in History and on the build panel's
 * failed run. The resumed run serves the first two steps from the build cache (the log says so, History's timeline and
 * the graph show them cached), runs the third, succeeds and is a run of its own in History. Around it: Resume on a run
 * whose template is gone, and on a build whose builder keeps no cache, says why in the status bar.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_COMMENT_PREFIX, CACHE_REPOSITORY } from '../../core/cache/build-cache';
import { cacheDir } from '../../core/cache/store';
import {closeBrowser, withApp, dockerTestOptions } from './fixture';
import { AppPage } from './pages/app-page';

after(closeBrowser);

const opts = dockerTestOptions(480_000);

const BUILD = 'resume.docker.debian';

/** Three shell steps, each its own script file (what the cache keys on), the third failing with exit 3. */
function writeTemplate(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'resume.pkr.hcl'),
    `source "docker" "debian" {
  image   = "local/debian:bookworm"
  pull    = false
  discard = true
}

build {
  name    = "resume"
  sources = ["source.docker.debian"]

  provisioner "shell" {
    script = "\${path.root}/one.sh"
  }

  provisioner "shell" {
    script = "\${path.root}/two.sh"
  }

  provisioner "shell" {
    script = "\${path.root}/three.sh"
  }
}
`,
  );
  writeFileSync(join(dir, 'one.sh'), '#!/bin/sh\necho step one > /one\n');
  writeFileSync(join(dir, 'two.sh'), '#!/bin/sh\necho step two > /two\n');
  writeFileSync(join(dir, 'three.sh'), '#!/bin/sh\necho "step three fails"\nexit 3\n');
}

/** Build containers of these runs still in Docker (named `bakehouse-<run id's first 8>-…`, leftovers.ts). */
function containersOf(runIds: readonly string[]): string[] {
  const names = execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n');
  return names.filter((n) => runIds.some((id) => n.startsWith(`bakehouse-${id.slice(0, 8)}-`)));
}

/** Build cache images committed for this data folder (their commit comment names its cache folder). */
function cacheImagesOf(dataDir: string): string[] {
  const ids = execFileSync('docker', ['images', '-q', CACHE_REPOSITORY], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const comments = execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}} {{.Comment}}', ...new Set(ids)], { encoding: 'utf8' }).split('\n');
  return comments.filter((c) => c.endsWith(`${CACHE_COMMENT_PREFIX}${cacheDir(dataDir)}`));
}

test('a failed Docker build resumes after its last cached step, from History and from the build panel', opts, async () => {
  let dataDir = '';
  await withApp(async (served, page) => {
    dataDir = served.dataDir;
    const dir = join(served.workDir, 'resume');
    writeTemplate(dir);
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openPath(dir, 4);

    await app.build.run();
    assert.equal(await app.build.waitForResult(), 'failed', await app.build.logText());
    assert.match(await app.build.logText(), /Script exited with non-zero exit status: 3/);

    // The user fixes the script in their editor, then resumes the failed run from History.
    writeFileSync(join(dir, 'three.sh'), '#!/bin/sh\necho "step three ran" > /three\ncat /one /two /three\n');
    const history = app.history;
    await history.open();
    await history.waitForCount(1);
    const [failed] = await history.runIds();
    await history.openRun(failed);
    assert.match((await history.summary().textContent()) ?? '', /failed/);
    await history.resume();
    await history.waitForCount(2);
    const [resumed] = await history.runIds();
    assert.notEqual(resumed, failed, 'the resumed run is a run of its own');
    assert.equal(await history.waitForResult(resumed), 'succeeded');
    await history.openRun(resumed);
    await page.waitForFunction(() => Number((document.querySelector('.history-detail [data-testid="log-count"]')?.textContent ?? '0').replace(/\D/g, '')) > 10);
    assert.match(await history.findInLog('Using cached result of step 1'), /Using cached result of step 1 \(shell\)/);
    assert.match(await history.findInLog('Using cached result of step 2'), /Using cached result of step 2 \(shell\)/);
    assert.equal(await history.findInLog('Using cached result of step 3'), '', 'the fixed step is not served from the cache');
    assert.match(await history.findInLog('Resuming after step'), /Resuming after step 2 \(shell\), the last cached step/);
    assert.match(await history.findInLog('step three ran'), /step three ran/, 'the third step ran, on the first two steps\' files');
    const bars = (await history.bars(BUILD)).filter((b) => b.startsWith('provisioner '));
    assert.equal(bars.length, 3, bars.join('\n'));
    assert.match(bars[0], /, cached$/);
    assert.match(bars[1], /, cached$/);
    assert.match(bars[2], /, succeeded$/);
    assert.deepEqual(await history.lane(BUILD).locator('.bar-row.provisioner').evaluateAll((rows) => rows.map((r) => r.classList.contains('cached'))), [true, true, false]);
    // The failed run is still there as it was.
    await history.openRun(failed);
    assert.match((await history.summary().textContent()) ?? '', /failed/);

    // The build panel's failed run offers Resume too: the script breaks again, a build fails, the fix is resumed there.
    await history.back();
    writeFileSync(join(dir, 'three.sh'), '#!/bin/sh\nexit 3\n');
    // The panel still shows its own run, the first, failed one: Resume is offered on it.
    assert.equal(await app.build.resumeButton().count(), 1);
    const firstFailed = await app.build.runId();
    await app.build.run();
    await app.build.waitForNewRun(firstFailed);
    assert.equal(await app.build.waitForResult(), 'failed', await app.build.logText());
    writeFileSync(join(dir, 'three.sh'), '#!/bin/sh\necho "step three ran again"\n');
    const secondFailed = await app.build.runId();
    await app.build.resume();
    await app.build.waitForNewRun(secondFailed);
    assert.equal(await app.build.waitForResult(), 'succeeded', await app.build.logText());
    assert.equal(await app.build.resumeButton().count(), 0, 'no Resume on a run that succeeded');
    const log = await app.build.logText();
    assert.match(log, /Using cached result of step 1 \(shell\)/);
    assert.match(log, /Using cached result of step 2 \(shell\)/);
    assert.match(log, /Resuming after step 2 \(shell\), the last cached step/);
    assert.match(log, /step three ran again/);
    assert.doesNotMatch(log, /Using cached result of step 3/);
    assert.deepEqual([await app.graph.statePill('provisioner', 'shell', 0), await app.graph.statePill('provisioner', 'shell', 1)], ['cached', 'cached']);
    assert.match(await app.graph.statePill('provisioner', 'shell', 2), /^done · /);
    await app.screenshot('resume-build-panel');

    await history.open();
    await history.waitForCount(4);
    const ids = await history.runIds();
    assert.equal(new Set(ids).size, 4);
    assert.deepEqual(containersOf(ids), [], 'no container left behind');
    assert.ok(cacheImagesOf(dataDir).length >= 3, 'the steps were cached as images');
  });
  // The server is stopped and its data folder removed: its cache images went with it.
  assert.deepEqual(cacheImagesOf(dataDir), []);
});

test('Resume says why it cannot: on a builder without a build cache, and on a run whose template is gone', opts, async () => {
  await withApp(async (served, page) => {
    const dir = join(served.workDir, 'no-cache');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'box.pkr.hcl'),
      `source "null" "box" {
  communicator = "none"
}

build {
  sources = ["source.null.box"]

  provisioner "shell-local" {
    inline = ["exit 3"]
  }
}
`,
    );
    const app = new AppPage(page);
    await app.open(served.url);
    await app.openPath(dir, 2);
    await app.build.run();
    assert.equal(await app.build.waitForResult(), 'failed', await app.build.logText());

    const refusal = /^Cannot resume null\.box \(null\): only docker and qemu builds keep a build cache to resume from\. Build again from the start instead\.$/;
    const statusStarts = (prefix: string) => page.waitForFunction((p) => document.querySelector('[data-testid=status-text]')?.textContent?.startsWith(p) ?? false, prefix, { timeout: 15_000 });
    // From the build panel: the message, and the failed run stays the panel's run.
    await statusStarts('Build failed');
    await app.build.resume();
    await statusStarts('Cannot resume');
    assert.match((await app.statusText().textContent()) ?? '', refusal);
    assert.equal(await app.build.status().textContent(), 'failed');

    // From History: the same message, and no run is started. (Run again first, so the message is a new one.)
    const history = app.history;
    await history.open();
    await history.waitForCount(1);
    const [failed] = await history.runIds();
    await history.openRun(failed);
    await history.runAgain();
    await history.waitForCount(2);
    const [again] = await history.runIds();
    assert.equal(await history.waitForResult(again), 'failed');
    await statusStarts('Build started again');
    await history.openRun(failed);
    await history.resume();
    await statusStarts('Cannot resume');
    assert.match((await app.statusText().textContent()) ?? '', refusal);
    await history.waitForCount(2);

    // The template was deleted (or moved) since it ran: Resume says so.
    rmSync(dir, { recursive: true, force: true });
    await history.resume();
    await page.waitForFunction(() => !(document.querySelector('[data-testid=status-text]')?.textContent?.startsWith('Cannot resume') ?? true));
    assert.equal(await app.statusText().textContent(), `The template ${dir} is not there any more: it was moved or deleted since. Open it where it is now and build it from there.`);
    await history.waitForCount(2);
  });
});
