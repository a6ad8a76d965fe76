/**
 * The vault's file: a one-line header with the body's length and SHA-256, then the body as JSON. The checksum lets every
 * reader (even `credentials list`, which needs no key) tell a file cut short or with a flipped bit from a good one and say
 * so, naming the file; GCM's tags then guard each entry against deliberate changes. Names, kinds and field names stay
 * readable, as the issue allows; values are sealed (`crypto.ts`).
 *
 * Writes are atomic and keep the previous version: the new body goes to a temporary file that is fsynced, the current file
 * is hard-linked to `<file>.bak`, and the temporary file is renamed over the vault, so a reader sees the old or the new
 * vault, never a part, and a crash loses at most the write in progress.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { CREDENTIAL_KINDS } from '../common/credentials';
import { err, ok, type Result } from '../common/result';

const MAGIC = 'bakehouse-vault';
const FORMAT_VERSION = 1;

const sealedSchema = z.object({ iv: z.string(), data: z.string(), tag: z.string() });

const keyringKeySchema = z.object({ source: z.literal('keyring'), service: z.string(), account: z.string() });
const passphraseKeySchema = z.object({
  source: z.literal('passphrase'),
  kdf: z.literal('scrypt'),
  N: z.number().int(),
  r: z.number().int(),
  p: z.number().int(),
  salt: z.string(),
  wrapped: sealedSchema,
});

const entrySchema = z.object({
  name: z.string(),
  kind: z.enum(CREDENTIAL_KINDS),
  fields: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  sealed: sealedSchema,
  /** The last `credentials test`: metadata, kept readable like the name (the message is masked before it is stored). */
  lastTest: z.object({ at: z.string(), ok: z.boolean(), message: z.string() }).optional(),
});

const bodySchema = z.object({
  id: z.string(),
  key: z.discriminatedUnion('source', [keyringKeySchema, passphraseKeySchema]),
  /** The empty string sealed with the data key: proves a key right before any entry is touched. */
  check: sealedSchema,
  entries: z.array(entrySchema),
});

export type VaultBody = z.infer<typeof bodySchema>;
export type StoredEntry = z.infer<typeof entrySchema>;
export type VaultKeyInfo = VaultBody['key'];

export function encodeVault(body: VaultBody): Buffer {
  const json = Buffer.from(`${JSON.stringify(body, null, 1)}\n`, 'utf8');
  const sum = createHash('sha256').update(json).digest('hex');
  return Buffer.concat([Buffer.from(`${MAGIC} ${FORMAT_VERSION} length=${json.length} sha256=${sum}\n`, 'utf8'), json]);
}

/** The vault's body, undefined when the file does not exist, or why it cannot be read (naming the file). */
export function readVault(path: string): Result<VaultBody | undefined, string> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(undefined);
    return err(`${path}: cannot read the credential vault: ${(e as Error).message}`);
  }
  return decodeVault(path, bytes);
}

export function decodeVault(path: string, bytes: Buffer): Result<VaultBody, string> {
  const damaged = (why: string): Result<VaultBody, string> =>
    err(`${path}: the credential vault is damaged (${why}); nothing was changed. The previous version is ${path}.bak`);
  const eol = bytes.indexOf(0x0a);
  const header = /^bakehouse-vault (\d+) length=(\d+) sha256=([0-9a-f]{64})$/.exec(bytes.subarray(0, eol < 0 ? Math.min(bytes.length, 200) : eol).toString('latin1'));
  if (!header) {
    if (bytes.length === 0) return damaged('the file is empty');
    if (!bytes.subarray(0, MAGIC.length).toString('latin1').startsWith(MAGIC.slice(0, Math.min(bytes.length, MAGIC.length)))) {
      return err(`${path}: not a Bakehouse credential vault (it does not start with "${MAGIC}")`);
    }
    return damaged(eol < 0 ? 'the file is cut short inside its header' : 'its header is not readable');
  }
  if (Number(header[1]) !== FORMAT_VERSION) return err(`${path}: vault format ${header[1]} is newer than this Bakehouse reads (${FORMAT_VERSION}); upgrade Bakehouse`);
  const body = bytes.subarray(eol + 1);
  const length = Number(header[2]);
  if (body.length < length) return damaged(`the file is cut short: ${body.length} of ${length} bytes after the header`);
  if (body.length > length) return damaged(`${body.length - length} bytes more than the header says`);
  if (createHash('sha256').update(body).digest('hex') !== header[3]) return damaged('its checksum does not match: a bit changed');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return damaged(`not JSON: ${(e as Error).message}`);
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return damaged(`${first.path.join('.') || 'body'}: ${first.message}`);
  }
  return ok(parsed.data);
}

/** Replaces the vault with `body`, keeping the current version as `<file>.bak`. Mode 0600: the file is its owner's only. */
export function writeVault(path: string, body: VaultBody): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const bakTmp = `${tmp}.bak`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const bytes = encodeVault(body);
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      // A second name for the current version, so the rename below leaves it in place as the backup.
      linkSync(path, bakTmp);
      renameSync(bakTmp, `${path}.bak`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    renameSync(tmp, path);
    syncDir(dirname(path));
  } finally {
    rmSync(tmp, { force: true });
    rmSync(bakTmp, { force: true });
  }
}

/** Makes the renames durable: on Linux a rename is on disk only once its folder is fsynced. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open a folder; the rename itself is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
