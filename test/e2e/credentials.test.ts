/// <reference lib="dom" />
/**
 * The Credentials page end to end, in Chromium over `bakehouse serve` with a passphrase vault (no keyring): add with a
 * problem named at its field, the vault protected through the unlock dialog, edit with write-only secrets, test, and a
 * real Docker build whose sensitive variable takes a bound `secret`. Every message the page receives over the socket is
 * recorded, and none holds a secret, its base64 (any variant the masker knows) or its hex.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretForms } from '../../core/engine/mask';
import { canRun, closeBrowser, withApp } from './fixture';
import { AppPage } from './pages/app-page';

after(closeBrowser);

function dockerUp(): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', 'local/debian:bookworm'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const opts = { skip: !canRun ? 'needs /usr/bin/chromium and a built renderer' : !dockerUp() && !process.env.CI ? 'needs dockerd and local/debian:bookworm (.ci/services.sh)' : false, timeout: 300_000 };

const PASSPHRASE = 'e2e vault passphrase 41d7';
const DB_SECRET = 'Bk-s3cr3t/+e2e-7f3a9c0d';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYe2e-one';
const AWS_SECRET_2 = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYe2e-two';

/** A Docker build (discarded, so it leaves no image) whose shell step prints a sensitive variable, its base64 and its SHA-256. */
const TEMPLATE = `variable "db_password" {
  type      = string
  default   = "placeholder"
  sensitive = true
}

source "docker" "debian" {
  image   = "local/debian:bookworm"
  pull    = false
  discard = true
}

build {
  sources = ["source.docker.debian"]

  provisioner "shell" {
    inline = [
      "echo pw=\${var.db_password}",
      "printf %s '\${var.db_password}' | base64",
      "printf %s '\${var.db_password}' | sha256sum",
    ]
  }
}
`;

/** The forms of a secret that must never reach the page: clear, every base64 and quoting the masker knows, and hex. */
function forms(secret: string): string[] {
  return [...secretForms(secret), Buffer.from(secret, 'utf8').toString('hex'), Buffer.from(secret, 'utf8').toString('hex').toUpperCase()];
}

test('credentials: add, edit, test and a build with a bound secret, and no secret in any message the page receives', opts, async () => {
  await withApp(
    async (served, page) => {
      const dir = join(served.workDir, 'secret-build');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'build.pkr.hcl'), TEMPLATE);
      // Every frame the page receives over its WebSocket, from the first one.
      const received: string[] = [];
      page.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8'))));

      const app = new AppPage(page);
      const creds = app.credentials;
      await app.open(served.url);
      await creds.open();
      await creds.vaultStatus().getByText(/not created yet/).waitFor();

      // A problem is named at its field: amazon keys need both halves.
      await creds.startAdd('amazon', 'prod');
      await creds.fill('access_key', 'AKIAE2ETEST7Q2X9ZPL');
      await creds.save();
      await creds.field('secret_key').getByText(/required/).waitFor();
      await creds.fill('secret_key', AWS_SECRET);
      await creds.save();
      // No keyring here: the first save asks for the passphrase that will protect the new vault, then goes on.
      await creds.answerUnlock(PASSPHRASE);
      await creds.row('prod').waitFor();
      await creds.form().waitFor({ state: 'hidden' });
      assert.match((await creds.row('prod').textContent()) ?? '', /access_key.*secret_key/);
      await creds.vaultStatus().getByText(/unlocked with its passphrase/).waitFor();

      await creds.startAdd('secret', 'db');
      await creds.fill('value', DB_SECRET);
      await creds.save();
      await creds.row('db').waitFor();

      // Edit: secrets show as "set" with Replace, never their value; the one replaced is saved, the other kept.
      await creds.edit('prod');
      await creds.field('secret_key').getByText('set', { exact: true }).waitFor();
      await creds.field('access_key').getByText('set', { exact: true }).waitFor();
      const filled = await creds.form().locator('input:not([type=checkbox]), textarea').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value).filter((v) => v !== ''));
      assert.deepEqual(filled, [], 'the edit form holds no value: the host never sent one');
      await creds.replace('secret_key', AWS_SECRET_2);
      await creds.save();
      await creds.form().waitFor({ state: 'hidden' });
      assert.match((await creds.row('prod').textContent()) ?? '', /access_key.*secret_key/);

      // Test shows the answer where the row's last test is.
      await creds.test('prod');
      await creds.testResult('prod').getByText(/✓|✗|could not test/).waitFor({ timeout: 30_000 });

      // A real build: the sensitive variable takes the bound secret.
      await creds.back();
      await app.openPath(dir, 2);
      await app.build.bindVariable('db_password', 'db');
      await page.getByPlaceholder('(from credential db)').waitFor();
      await app.build.run();
      assert.equal(await app.build.waitForResult(), 'succeeded', await app.build.logText());
      const log = await app.build.logText();
      const digest = createHash('sha256').update(DB_SECRET).digest('hex');
      assert.match(log, new RegExp(digest), 'the build used the bound secret (its SHA-256 is in the log)');
      assert.match(log, /pw=<sensitive>/);

      // The page lists which template uses the secret.
      await creds.open();
      await creds.row('db').getByText(/secret-build/).waitFor();
      await creds.edit('prod');
      await app.screenshot('credentials');

      const all = received.join('\n');
      assert.ok(all.includes(digest), 'the recording holds the build’s output');
      for (const secret of [DB_SECRET, AWS_SECRET, AWS_SECRET_2, PASSPHRASE]) {
        const found = forms(secret).filter((f) => all.includes(f));
        assert.deepEqual(found, [], `a form of a secret reached the page in one of ${received.length} messages`);
      }
      assert.ok(received.length > 20, `${received.length} messages recorded`);
    },
    { env: { BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: '' } },
  );
});
