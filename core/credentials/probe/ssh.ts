/** ssh: a login with the credential's key to a host the user names (`credentials test NAME --host H [--port P]`). */
import { Client } from 'ssh2';
import type { Credential } from '../vault';
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions, type ProbeOutcome } from './outcome';

export async function probeSsh(credential: Credential, opts: ProbeOptions): Promise<ProbeOutcome> {
  if (!opts.host) return { ok: false, message: 'an ssh credential is tested by logging in to a host: name one with --host (and --port when not 22)' };
  const f = credential.fields;
  const port = opts.port ?? 22;
  const where = `${opts.host}:${port}`;
  const user = String(f.ssh_username);
  return new Promise<ProbeOutcome>((resolve) => {
    const client = new Client();
    let hostKey = '';
    const done = (outcome: ProbeOutcome): void => {
      client.end();
      resolve(outcome);
    };
    client.on('ready', () => done({ ok: true, message: `logged in to ${where} as ${user}${hostKey ? ` (host key ${hostKey})` : ''}` }));
    client.on('error', (e: Error & { level?: string }) => {
      const reason = e.level === 'client-authentication' ? `${where} refused the key for ${user} (${e.message})` : `cannot log in to ${where}: ${e.message}`;
      done({ ok: false, message: reason });
    });
    try {
      client.connect({
        host: opts.host,
        port,
        username: user,
        privateKey: String(f.ssh_private_key),
        ...(typeof f.ssh_private_key_passphrase === 'string' ? { passphrase: f.ssh_private_key_passphrase } : {}),
        readyTimeout: opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        // The test says whether the key logs in; which host answered is shown, not judged (no known_hosts is kept).
        hostHash: 'sha256',
        hostVerifier: (hash: string) => {
          hostKey = `SHA256:${Buffer.from(hash, 'hex').toString('base64').replace(/=+$/, '')}`;
          return true;
        },
      });
    } catch (e) {
      // ssh2 throws synchronously for a key it cannot parse (or a wrong passphrase).
      done({ ok: false, message: `the private key cannot be used: ${(e as Error).message}` });
    }
  });
}
