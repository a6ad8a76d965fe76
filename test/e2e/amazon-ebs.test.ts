/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/**
 * The seed template built from the app against moto (the instance an sshd container): the amazon-ebs node shows
 * its builder's steps live on the graph — before provisioning and after it (stop, create the AMI) — and lists them with
 * their durations in the node's details.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { canRun, closeBrowser, withApp } from './fixture';
import { AppPage } from './pages/app-page';
import { MOTO_CREDENTIALS, startMoto } from '../support/moto';
import { startInstanceMachine } from '../support/ec2-instance';
import { ec2Client, seedTemplate } from '../builders/amazon-ebs/harness';

after(closeBrowser);

const opts = { skip: !canRun ? 'needs /usr/bin/chromium and a built renderer' : false, timeout: 300_000 };

test('the amazon-ebs node shows its steps live while the seed template builds against moto', opts, async () => {
  const moto = await startMoto();
  const machine = await startInstanceMachine();
  try {
    machine.followKeyPairsOf(ec2Client(moto));
    const dir = mkdtempSync(join(tmpdir(), 'bakehouse-e2e-ebs-'));
    const template = join(dir, 'seed.json');
    writeFileSync(template, JSON.stringify(seedTemplate(moto, machine.port), null, 2));
    await withApp(
      async (_served, page) => {
        const app = new AppPage(page);
        await app.open(_served.url);
        await app.openPath(template, 3);
        // Every step label the source node shows, as the page shows it.
        await page.evaluate(() => {
          const seen: string[] = [];
          (window as unknown as { seenSteps: string[] }).seenSteps = seen;
          new MutationObserver(() => {
            for (const el of document.querySelectorAll('[data-testid="node-step"]')) {
              const t = el.textContent ?? '';
              if (t && seen.at(-1) !== t) seen.push(t);
            }
          }).observe(document.body, { subtree: true, childList: true, characterData: true });
        });
        await app.build.run();
        assert.equal(await app.build.waitForResult(), 'succeeded', await app.build.logText());
        const seen = await page.evaluate(() => (window as unknown as { seenSteps: string[] }).seenSteps);
        // Against moto most steps take tens of milliseconds and the host sends events in batches, so the page shows the
        // steps that last (connecting takes a handshake); each one it showed is a real step, in order.
        const order = ['Pre validate', 'Source AMI info', 'Key pair', 'Security group', 'Run source instance', 'Connect', 'Stop EBS backed instance', 'Deregister AMI', 'Create AMI', 'AMI region copy', 'Modify AMI attributes', 'Create tags'];
        assert.ok(seen.length >= 2, `the node showed its steps while it ran; it showed ${JSON.stringify(seen)}`);
        assert.ok(seen.includes('Connect'), `the node showed "Connect"; it showed ${JSON.stringify(seen)}`);
        const places = seen.map((x) => order.indexOf(x));
        assert.ok(places.every((p, i) => p >= 0 && (i === 0 || p > places[i - 1])), `steps shown in order: ${JSON.stringify(seen)}`);
        assert.equal(await app.graph.node('source', 'amazon-ebs.amazon-ebs').getAttribute('data-state'), 'done');
        await app.graph.select('source', 'amazon-ebs.amazon-ebs');
        const steps = page.getByRole('list', { name: 'Steps of amazon-ebs.amazon-ebs' });
        assert.match((await steps.textContent()) ?? '', /Pre validate.*Source AMI info.*Run source instance.*Provision.*Create AMI.*Create tags/s);
        assert.equal(await steps.locator('li').filter({ hasText: '…' }).count(), 0, 'every step ended');
        await app.screenshot('amazon-ebs-steps');
      },
      { env: { ...MOTO_CREDENTIALS, AWS_EC2_METADATA_DISABLED: 'true' } },
    );
  } finally {
    await machine.stop();
    await moto.stop();
  }
});
