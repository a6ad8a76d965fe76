/**
 * Bench: the credential vault on its passphrase path. Fills a vault with 1,000 credentials of every kind at realistic
 * sizes (an SSH key of ~400 bytes, a service-account JSON of ~2.3 KB), then reports:
 * - unlock: a fresh Vault reading one credential (read and checksum the file, scrypt N=2^17 r=8 p=1, unwrap the data key,
 *   open the entry), the median of `--runs` runs, and scrypt alone;
 * - the vault's size with 1,000 entries, and what one add costs at that size (read, seal, fsynced atomic write);
 * - `bakehouse credentials list` through the built CLI (no key needed) with 1,000 entries.
 * Run: npm run bench -- credentials [--entries N] [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialKind } from '../core/common/credentials';
import { deriveKey, SCRYPT_PARAMS } from '../core/credentials/crypto';
import { Vault } from '../core/credentials/vault';

const ARGV = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = ARGV.indexOf(`--${name}`);
  return i >= 0 ? Number(ARGV[i + 1]) : fallback;
};
const ENTRIES = option('entries', 1000);
const RUNS = option('runs', 5);
const PASSPHRASE = 'bench passphrase';

/** Credentials shaped as real ones are, in turn: access keys, a registry login, a secret, an SSH key, a service account. */
function credential(i: number): { kind: CredentialKind; fields: Record<string, unknown> } {
  const r = (n: number): string => randomBytes(n).toString('base64url').slice(0, n);
  switch (i % 5) {
    case 0:
      return { kind: 'amazon', fields: { access_key: `AKIA${r(16).toUpperCase()}`, secret_key: r(40) } };
    case 1:
      return { kind: 'docker', fields: { login_server: 'registry.example.test', login_username: `ci-${i}`, login_password: r(32) } };
    case 2:
      return { kind: 'secret', fields: { value: r(24) } };
    case 3:
      return { kind: 'ssh', fields: { ssh_username: 'debian', ssh_private_key: `-----BEGIN OPENSSH PRIVATE KEY-----\n${r(350)}\n-----END OPENSSH PRIVATE KEY-----\n` } };
    default:
      return {
        kind: 'google',
        fields: {
          account_file: JSON.stringify({
            type: 'service_account',
            project_id: 'bench-project',
            private_key_id: r(40),
            private_key: `-----BEGIN PRIVATE KEY-----\n${r(1620)}\n-----END PRIVATE KEY-----\n`,
            client_email: `bench-${i}@bench-project.iam.gserviceaccount.com`,
            client_id: String(100000000000000000000 + i),
            auth_uri: 'https://accounts.google.com/o/oauth2/auth',
            token_uri: 'https://oauth2.googleapis.com/token',
          }),
        },
      };
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-bench-vault-'));
  const env = { BAKEHOUSE_DATA_DIR: dir, BAKEHOUSE_VAULT_PASSPHRASE: PASSPHRASE, BAKEHOUSE_VAULT_KEYRING: '0' };
  const load = loadavg()[0];
  const writer = Vault.forEnv(env);
  const fillStart = process.hrtime.bigint();
  const addMs: number[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const c = credential(i);
    const t = process.hrtime.bigint();
    const added = await writer.add(c.kind, `cred-${i}`, c.fields);
    if (!added.ok) throw new Error(added.error);
    if (i >= ENTRIES - 20) addMs.push(ms(t));
  }
  const fillSeconds = ms(fillStart) / 1000;
  const bytes = statSync(writer.path).size;

  const unlockMs: number[] = [];
  const scryptMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t = process.hrtime.bigint();
    const got = await Vault.forEnv(env).get(`cred-${ENTRIES - 1}`);
    unlockMs.push(ms(t));
    if (!got.ok) throw new Error(got.error);
    const s = process.hrtime.bigint();
    await deriveKey(PASSPHRASE, randomBytes(16), SCRYPT_PARAMS);
    scryptMs.push(ms(s));
  }

  const listMs: number[] = [];
  const bin = join(__dirname, '..', 'bin', 'bakehouse.js');
  for (let run = 0; run < RUNS; run++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, 'credentials', 'list', '-json'], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
    listMs.push(ms(t));
    if (r.status !== 0 || (JSON.parse(r.stdout) as unknown[]).length !== ENTRIES) throw new Error(`credentials list failed: ${r.stderr}`);
  }

  console.log(
    JSON.stringify(
      {
        entries: ENTRIES,
        loadAverage: load,
        scrypt: SCRYPT_PARAMS,
        unlockMedianMs: Math.round(median(unlockMs)),
        unlockMs: unlockMs.map(Math.round),
        scryptAloneMedianMs: Math.round(median(scryptMs)),
        vaultBytes: bytes,
        bytesPerEntry: Math.round(bytes / ENTRIES),
        addAtFullSizeMedianMs: Number(median(addMs).toFixed(1)),
        fillSeconds: Number(fillSeconds.toFixed(1)),
        cliListJsonMedianMs: Math.round(median(listMs)),
      },
      null,
      2,
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}

void main();
