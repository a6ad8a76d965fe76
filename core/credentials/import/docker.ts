/**
 * ~/.docker/config.json (or $DOCKER_CONFIG/config.json; PATH is the file): each `auths` entry with a login becomes a
 * docker credential; a registry whose login a credential helper keeps (`credHelpers`, or `credsStore` for the rest)
 * becomes a reference to the helper, which is asked for the login when the credential is used, as Docker asks it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from '../../common/result';
import { importName, type ImportFindings, type ImportedCredential } from './candidate';

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function importDocker(path: string | undefined, env: Record<string, string | undefined>): Result<ImportFindings, string> {
  const file = path ?? join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
  if (!existsSync(file)) return err(`${file} does not exist: there is no Docker login to import`);
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch (e) {
    return err(`${file}: not JSON: ${(e as Error).message}`);
  }
  const found: ImportedCredential[] = [];
  const skipped: string[] = [];
  const helpers = config.credHelpers ?? {};
  for (const [server, entry] of Object.entries(config.auths ?? {})) {
    if (helpers[server]) continue;
    let username = entry.username;
    let password = entry.password;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    if (username && password) {
      found.push({ name: importName(serverName(server)), kind: 'docker', fields: { login_server: server, login_username: username, login_password: password }, origin: `${server} in ${file}: login` });
    } else if (config.credsStore) {
      found.push(helperReference(server, config.credsStore, file));
    } else if (entry.identitytoken) {
      skipped.push(`${server} in ${file}: an identity token (an OAuth refresh token), which Docker's login fields cannot carry`);
    } else {
      skipped.push(`${server} in ${file}: no login`);
    }
  }
  for (const [server, helper] of Object.entries(helpers)) found.push(helperReference(server, helper, file));
  return ok({ found, skipped });
}

function helperReference(server: string, helper: string, file: string): ImportedCredential {
  return {
    name: importName(serverName(server)),
    kind: 'docker',
    fields: { login_server: server, credential_helper: helper },
    origin: `${server} in ${file}: a reference to the credential helper docker-credential-${helper}`,
  };
}

/** `https://index.docker.io/v1/` → `index.docker.io`; `registry.example.com:5000` stays. */
function serverName(server: string): string {
  return server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}
