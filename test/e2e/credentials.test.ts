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
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretForms } from '../../core/engine/mask';
import { startRegistry } from '../support/registry';
import {closeBrowser, withApp, dockerTestOptions } from './fixture';
import { AppPage } from './pages/app-page';

after(closeBrowser);

const opts = dockerTestOptions(300_000);

const PASSPHRASE = 'e2e vault passphrase 41d7';
const DB_SECRET = 'Bk-s3cr3t/+e2e-7f3a9c0d';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYe2e-one';
const AWS_SECRET_2 = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYe2e-two';
const REGISTRY_PASSWORD = 'reg-Pw-e2e-5b0e91';

/**
 * A Docker build whose shell step prints a sensitive variable, its base64 and its SHA-256, and whose image is pushed to
 * a registry that wants a login: the variable takes a bound `secret`, the push a bound `docker` credential.
 */
const template = (repository: string) => `variable "db_password" {
  type      = string
  default   = "placeholder"
  sensitive = true
}

source "docker" "debian" {
  image  = "local/debian:bookworm"
  pull   = false
  commit = true
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

  post-processors {
    post-processor "docker-tag" {
      repository = "${repository}"
      tags       = ["e2e"]
    }
    post-processor "docker-push" {}
  }
}
`;

/** The forms of a secret that must never reach the page: clear, every base64 and quoting the masker knows, and hex. */
function forms(secret: string): string[] {
  return [...secretForms(secret), Buffer.from(secret, 'utf8').toString('hex'), Buffer.from(secret, 'utf8').toString('hex').toUpperCase()];
}

test('credentials: add, edit, test against a registry, and a build with bound credentials; no secret in any message the page receives', opts, async () => {
  const registry = await startRegistry('baker', REGISTRY_PASSWORD);
  const repository = `${registry.address}/bakehouse/e2e-${Date.now()}`;
  try {
    await runScenario(registry.address, repository);
  } finally {
    spawnSync('docker', ['rmi', '-f', `${repository}:e2e`], { stdio: 'ignore' });
    await registry.stop();
  }
});

async function runScenario(registryAddress: string, repository: string): Promise<void> {
  await withApp(
    async (served, page) => {
      const dir = join(served.workDir, 'secret-build');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'build.pkr.hcl'), template(repository));
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

      await creds.startAdd('docker', 'reg');
      await creds.fill('login_server', registryAddress);
      await creds.fill('login_username', 'baker');
      await creds.fill('login_password', REGISTRY_PASSWORD);
      await creds.save();
      await creds.row('reg').waitFor();

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

      // Test asks the registry itself; the answer shows where the row's last test is, and stays after a reload.
      await creds.test('reg');
      await creds.testResult('reg').getByText('✓').waitFor({ timeout: 30_000 });
      const answer = (await creds.testResult('reg').textContent()) ?? '';
      await page.reload();
      await creds.open();
      assert.equal(((await creds.testResult('reg').textContent()) ?? '').split(' (')[0], answer.split(' (')[0], 'the vault kept the test');

      // A real build: the sensitive variable takes the bound secret.
      await creds.back();
      await app.openPath(dir, 4);
      await app.build.bindVariable('db_password', 'db');
      await page.getByPlaceholder('(from credential db)').waitFor();
      await app.build.bindSource('docker.debian', 'reg');
      await app.build.run();
      assert.equal(await app.build.waitForResult(), 'succeeded', await app.build.logText());
      const log = await app.build.logText();
      const digest = createHash('sha256').update(DB_SECRET).digest('hex');
      assert.match(log, new RegExp(digest), 'the build used the bound secret (its SHA-256 is in the log)');
      assert.match(log, /pw=<sensitive>/);
      // The push logged in with the bound credential: the registry has the tag.
      const tags = await fetch(`http://${registryAddress}/v2/${repository.slice(registryAddress.length + 1)}/tags/list`, {
        headers: { authorization: `Basic ${Buffer.from(`baker:${REGISTRY_PASSWORD}`).toString('base64')}` },
      }).then((r) => r.json() as Promise<{ tags?: string[] }>);
      assert.deepEqual(tags.tags, ['e2e']);

      // The page lists which template uses the secret.
      await creds.open();
      await creds.row('db').getByText(/secret-build/).waitFor();
      await creds.edit('prod');
      await app.screenshot('credentials');

      const all = received.join('\n');
      assert.ok(all.includes(digest), 'the recording holds the build’s output');
      for (const secret of [DB_SECRET, AWS_SECRET, AWS_SECRET_2, REGISTRY_PASSWORD, PASSPHRASE]) {
        const found = forms(secret).filter((f) => all.includes(f));
        assert.deepEqual(found, [], `a form of a secret reached the page in one of ${received.length} messages`);
      }
      assert.ok(received.length > 20, `${received.length} messages recorded`);
    },
    { env: { BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: '' } },
  );
}
