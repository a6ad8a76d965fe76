/**
 * `bakehouse credentials list [-json] | add KIND NAME | edit NAME | remove NAME | test NAME | import KIND [PATH]`: the
 * credential vault from the command line. Fields come from questions on a terminal, or as one JSON object on standard
 * input otherwise — never from argv, which `ps` shows to every user of the machine.
 */
import { resolve } from 'node:path';
import { CREDENTIAL_KINDS, isCredentialKind, type CredentialSummary } from '../../common/credentials';
import { err, ok, type Result } from '../../common/result';
import { BindingStore } from '../../credentials/bindings';
import { credentialsFromEnv, credentialsFromEnvWanted } from '../../credentials/from-env';
import { dataDir } from '../../engine/runlog';
import { CREDENTIAL_IMPORT_SOURCES, importCredentials, isCredentialImportSource } from '../../credentials/import';
import { testCredential } from '../../credentials/probe';
import { Vault, type Credential, type PassphrasePurpose } from '../../credentials/vault';
import type { CliIO, Command } from '../command';
import { flagBool, flagString, type ParsedArgs } from '../flags';
import { askChangedFields, askNewFields } from '../ui/credential-form';
import { terminalAsker, TERMINAL_INTERRUPTED, type AskTerminal } from '../ui/terminal-input';

const SUBCOMMANDS = ['list', 'add', 'edit', 'remove', 'test', 'import'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

const USAGE = `Usage:
  bakehouse credentials list [-json]
  bakehouse credentials add KIND NAME      KIND is one of ${CREDENTIAL_KINDS.join(', ')}
  bakehouse credentials edit NAME
  bakehouse credentials remove NAME
  bakehouse credentials test NAME [-host HOST] [-port PORT]   (an ssh credential logs in to HOST)
  bakehouse credentials import aws|docker|azure|google [PATH]`;

export const credentialsCommand: Command = {
  name: 'credentials',
  synopsis: 'Manages the cloud credentials Bakehouse keeps in its encrypted vault',
  usage: 'list [-json] | add KIND NAME | edit NAME | remove NAME | test NAME | import SOURCE [PATH]',
  details: [
    'On a terminal, add and edit ask for each field (secrets are not echoed). Otherwise they read the fields as one',
    'JSON object on standard input, e.g.:',
    `  echo '{"access_key":"…","secret_key":"…"}' | bakehouse credentials add amazon prod`,
    'edit sets the fields given and keeps the others; a field given as null is removed.',
    '',
    "test asks the credential's provider whether it works (AWS STS GetCallerIdentity at the endpoint the SDK resolves,",
    "the registry's /v2/, an SSH login to -host) and exits 1 with the provider's reason when it does not; the outcome is",
    "kept as the credential's lastTest.",
    '',
    'import reads ~/.aws/credentials and ~/.aws/config (PATH: their folder; SSO and assume-role profiles become',
    'references the SDK resolves), ~/.docker/config.json (PATH: the file; credential helpers become references), a',
    "service account's JSON key (google PATH) or the JSON of az ad sp create-for-rbac (azure PATH). A name already in the",
    'vault is left as it is.',
    '',
    "The vault's key lives in the OS keyring; where there is none, in the vault itself, wrapped by a passphrase",
    '(BAKEHOUSE_VAULT_PASSPHRASE, or asked for on a terminal). With BAKEHOUSE_CREDENTIALS_FROM_ENV=1 there is no vault:',
    'credentials come from the environment variables each cloud SDK reads.',
  ].join('\n'),
  flags: [
    { name: 'json', kind: 'bool', description: 'list: print the credentials as JSON.' },
    { name: 'host', kind: 'string', description: 'test: the host an ssh credential logs in to.' },
    { name: 'port', kind: 'int', description: 'test: the port of -host (default 22).', placeholder: '22' },
  ],
  async run(args, io) {
    const [sub, ...rest] = args.positional;
    if (!(SUBCOMMANDS as readonly string[]).includes(sub ?? '')) {
      io.stderr(`${sub === undefined ? '' : `bakehouse credentials: unknown subcommand "${sub}".\n`}${USAGE}\n`);
      return 1;
    }
    const result = await runSubcommand(sub as Subcommand, rest, args, io);
    if (!result.ok) {
      io.stderr(`Error: ${result.error}\n`);
      return 1;
    }
    return 0;
  },
};

async function runSubcommand(sub: Subcommand, rest: string[], args: ParsedArgs, io: CliIO): Promise<Result<void, string>> {
  const wanted: Record<Subcommand, number> = { list: 0, add: 2, edit: 1, remove: 1, test: 1, import: 1 };
  // import's PATH is optional where the tool has a default place.
  if (rest.length !== wanted[sub] && !(sub === 'import' && rest.length === 2)) return err(`credentials ${sub} takes ${wanted[sub] === 0 ? 'no arguments' : USAGE.split('\n').find((l) => l.includes(` ${sub} `))?.trim()}`);
  if (credentialsFromEnvWanted(io.env)) {
    if (sub === 'test') {
      const found = credentialsFromEnv(io.env).find((c) => c.name === rest[0]);
      if (!found) return err(`BAKEHOUSE_CREDENTIALS_FROM_ENV=1: the environment holds no complete "${rest[0]}" credential (names are kinds: amazon, azure, google)`);
      return runTest(found, undefined, args, io);
    }
    if (sub !== 'list') return err('BAKEHOUSE_CREDENTIALS_FROM_ENV=1: credentials come from the environment, and there is no vault to change');
    const usedBy = new BindingStore(dataDir(io.env)).usedBy();
    return ok(printList(credentialsFromEnv(io.env).map((c) => ({ name: c.name, kind: c.kind, fields: Object.keys(c.fields).sort(), lastTest: null, usedBy: usedBy.get(c.name) ?? [] })), args, io));
  }
  const ask = io.stdinIsTTY ? terminalAsker(io.stdin, io.stderr) : undefined;
  const vault = Vault.forEnv(io.env, ask ? (purpose, path) => askPassphrase(ask, io, purpose, path) : undefined);
  switch (sub) {
    case 'list': {
      const list = vault.list();
      if (!list.ok) return list;
      // The templates using each credential are the app's bindings, kept in the same data folder.
      const usedBy = new BindingStore(dataDir(io.env)).usedBy();
      return ok(printList(list.value.map((c) => ({ ...c, usedBy: usedBy.get(c.name) ?? [] })), args, io));
    }
    case 'add': {
      const [kind, name] = rest;
      if (!isCredentialKind(kind)) return err(`"${kind}" is not a kind of credential: choose one of ${CREDENTIAL_KINDS.join(', ')}`);
      const fields = ask ? await askNewFields(kind, ask, io.stderr, io.cwd) : await readJsonObject(io.stdin);
      if (!fields.ok) return fields;
      const added = await vault.add(kind, name, fields.value);
      if (!added.ok) return added;
      io.stdout(`Credential "${name}" (${kind}) saved in ${vault.path}\n`);
      return ok();
    }
    case 'edit': {
      const [name] = rest;
      let change: Result<unknown, string>;
      if (ask) {
        const current = await vault.get(name);
        if (!current.ok) return current;
        change = await askChangedFields(current.value.kind, current.value.fields, ask, io.cwd);
      } else {
        change = await readJsonObject(io.stdin);
      }
      if (!change.ok) return change;
      const edited = await vault.edit(name, change.value);
      if (!edited.ok) return edited;
      io.stdout(`Credential "${name}" (${edited.value.kind}) saved in ${vault.path}\n`);
      return ok();
    }
    case 'test': {
      const found = await vault.get(rest[0]);
      if (!found.ok) return found;
      return runTest(found.value, vault, args, io);
    }
    case 'import': {
      const [source, path] = rest;
      if (!isCredentialImportSource(source)) return err(`"${source}" cannot be imported: choose one of ${CREDENTIAL_IMPORT_SOURCES.join(', ')}`);
      const found = importCredentials(source, path === undefined ? undefined : resolve(io.cwd, path), io.env);
      if (!found.ok) return found;
      const existing = vault.list();
      if (!existing.ok) return existing;
      const taken = new Set(existing.value.map((c) => c.name));
      const lines: string[] = [];
      for (const c of found.value.found) {
        if (taken.has(c.name)) {
          lines.push(`  skipped ${c.name}: a credential of that name is already in the vault (${c.origin})`);
          continue;
        }
        const added = await vault.add(c.kind, c.name, c.fields);
        if (!added.ok) return added;
        taken.add(c.name);
        lines.push(`  ${c.name} (${c.kind}): ${c.origin}`);
      }
      for (const s of found.value.skipped) lines.push(`  skipped ${s}`);
      const count = lines.filter((l) => !l.startsWith('  skipped')).length;
      io.stdout(`Imported ${count} credential${count === 1 ? '' : 's'} into ${vault.path}${lines.length ? `:\n${lines.join('\n')}` : ''}\n`);
      return ok();
    }
    case 'remove': {
      const [name] = rest;
      const removed = await vault.remove(name);
      if (!removed.ok) return removed;
      io.stdout(`Credential "${name}" removed from ${vault.path}\n`);
      return ok();
    }
  }
}

/** Tests the credential, keeps the outcome in the vault (when there is one) and reports it; a failed test is an error. */
async function runTest(credential: Credential, vault: Vault | undefined, args: ParsedArgs, io: CliIO): Promise<Result<void, string>> {
  const port = flagString(args, 'port');
  const result = await testCredential(credential, { env: io.env, host: flagString(args, 'host'), port: port === undefined ? undefined : Number(port) });
  const recorded = vault ? await vault.recordTest(credential.name, result) : ok();
  if (!recorded.ok) io.stderr(`Warning: the test's outcome was not kept: ${recorded.error}\n`);
  if (!result.ok) return err(`credential "${credential.name}" (${credential.kind}) does not work: ${result.message}`);
  io.stdout(`Credential "${credential.name}" (${credential.kind}) works: ${result.message}\n`);
  return ok();
}

function printList(list: CredentialSummary[], args: ParsedArgs, io: CliIO): void {
  if (flagBool(args, 'json')) {
    io.stdout(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  if (list.length === 0) {
    io.stdout('No credentials. Add one with: bakehouse credentials add KIND NAME\n');
    return;
  }
  const rows = [['NAME', 'KIND', 'FIELDS'], ...list.map((c) => [c.name, c.kind, c.fields.join(', ')])];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)) + 2);
  io.stdout(rows.map((r) => `${r[0].padEnd(widths[0])}${r[1].padEnd(widths[1])}${r[2]}`.trimEnd()).join('\n') + '\n');
}

/** The fields as one JSON object on standard input. */
async function readJsonObject(stdin: NodeJS.ReadableStream): Promise<Result<unknown, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return err('no fields given: on a terminal they are asked for; otherwise give them as one JSON object on standard input');
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return err('standard input: the fields must be one JSON object');
    return ok(value);
  } catch (e) {
    return err(`standard input: not JSON: ${(e as Error).message}`);
  }
}

async function askPassphrase(ask: AskTerminal, io: CliIO, purpose: PassphrasePurpose, path: string): Promise<string | undefined> {
  if (purpose === 'unlock') {
    const answer = await ask({ prompt: `Passphrase of the credential vault ${path}: `, secret: true });
    return answer === TERMINAL_INTERRUPTED || answer === '' ? undefined : answer;
  }
  io.stderr(`No OS keyring keeps the key of the new credential vault ${path}: a passphrase will protect it.\n`);
  for (;;) {
    const first = await ask({ prompt: 'New passphrase: ', secret: true });
    if (first === TERMINAL_INTERRUPTED || first === '') return undefined;
    const again = await ask({ prompt: 'The same passphrase again: ', secret: true });
    if (again === TERMINAL_INTERRUPTED) return undefined;
    if (again === first) return first;
    io.stderr('The two did not match; try again.\n');
  }
}
