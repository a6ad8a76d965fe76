/** Page object of the Credentials page and its unlock dialog: what a user sees and does there. */
import type { Locator, Page } from 'playwright-core';

export class CredentialsPageObject {
  constructor(readonly page: Page) {}

  /** Opens the page from the header (or the welcome screen). */
  async open(): Promise<void> {
    await this.page.getByRole('button', { name: /^Credentials/ }).first().click();
    await this.page.getByRole('main', { name: 'Credentials' }).waitFor();
  }

  async back(): Promise<void> {
    await this.page.getByRole('button', { name: /Back to the template|^← Back$/ }).click();
  }

  row(name: string): Locator {
    return this.page.getByTestId(`credential-${name}`);
  }

  vaultStatus(): Locator {
    return this.page.getByTestId('vault-status');
  }

  form(): Locator {
    return this.page.locator('form.credential-form');
  }

  /** One field of the open form: its row (label, control or "set" with Replace, help, problems). */
  field(path: string): Locator {
    return this.form().locator(`[data-field="${path}"]`);
  }

  async startAdd(kind: string, name: string): Promise<void> {
    await this.page.getByRole('button', { name: '+ Add credential' }).click();
    await this.page.getByLabel('Kind').selectOption(kind);
    await this.page.getByLabel('Name', { exact: true }).fill(name);
  }

  /** Types a field's value into the open form (a secret field's password input or textarea included). */
  async fill(path: string, value: string): Promise<void> {
    await this.field(path).locator('input, textarea').first().fill(value);
  }

  async replace(path: string, value: string): Promise<void> {
    await this.page.getByRole('button', { name: `Replace ${path}`, exact: true }).click();
    await this.fill(path, value);
  }

  async save(): Promise<void> {
    await this.form().getByRole('button', { name: 'Save' }).click();
  }

  async edit(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Edit ${name}`, exact: true }).click();
    await this.page.getByRole('form', { name: `Edit credential ${name}` }).waitFor();
  }

  async test(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Test ${name}`, exact: true }).click();
  }

  testResult(name: string): Locator {
    return this.page.getByTestId(`test-result-${name}`);
  }

  unlockDialog(): Locator {
    return this.page.getByRole('dialog', { name: /credential vault/ });
  }

  /** Answers the unlock dialog: the passphrase, twice when it protects a new vault. */
  async answerUnlock(passphrase: string): Promise<void> {
    const dialog = this.unlockDialog();
    await dialog.waitFor();
    await dialog.getByLabel(/^(New passphrase|Passphrase)$/).fill(passphrase);
    const again = dialog.getByLabel('The same passphrase again');
    if (await again.isVisible()) await again.fill(passphrase);
    await dialog.getByRole('button', { name: /^(Unlock|Protect)$/ }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
  }
}
