/**
 * A docker credential that refers to a Docker credential helper (imported from `credHelpers`/`credsStore` of
 * ~/.docker/config.json): the helper is asked for the login when the credential is used, as Docker asks it —
 * `docker-credential-NAME get` with the server on standard input, `{"Username","Secret"}` on standard output
 * (github.com/docker/docker-credential-helpers' protocol). The server goes on stdin and the secret comes back on stdout,
 * so neither is on a command line.
 */
import { spawn } from 'node:child_process';
import { err, ok, type Result } from '../common/result';
import type { Credential } from './vault';

/** The credential with login_username and login_password from its helper; a credential without a helper as it is. */
export async function withHelperLogin(credential: Credential, env: Record<string, string | undefined>): Promise<Result<Credential, string>> {
  const helper = credential.fields.credential_helper;
  if (credential.kind !== 'docker' || typeof helper !== 'string') return ok(credential);
  const server = String(credential.fields.login_server);
  const program = `docker-credential-${helper}`;
  const answer = await new Promise<Result<string, string>>((resolve) => {
    const child = spawn(program, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (errText += b.toString()));
    child.once('error', (e: NodeJS.ErrnoException) => resolve(err(e.code === 'ENOENT' ? `${program} is not installed (not on PATH)` : `${program}: ${e.message}`)));
    child.once('close', (code) => resolve(code === 0 ? ok(out) : err(`${program} get ${server}: ${(out || errText).trim() || `exit status ${code}`}`)));
    child.stdin.end(server);
  });
  if (!answer.ok) return err(`credential "${credential.name}": ${answer.error}`);
  try {
    const login = JSON.parse(answer.value) as { Username?: string; Secret?: string };
    if (!login.Username || !login.Secret) return err(`credential "${credential.name}": ${program} gave no login for ${server}`);
    return ok({ ...credential, fields: { login_server: server, login_username: login.Username, login_password: login.Secret } });
  } catch {
    return err(`credential "${credential.name}": ${program} did not answer with JSON`);
  }
}
