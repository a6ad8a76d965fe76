/**
 * Registry credentials for pulls and pushes: the template's login_* fields when `login = true`, otherwise what
 * `docker login` stored in ~/.docker/config.json for the image's registry (plain `auths` entries only).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface RegistryAuth {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
}

export interface LoginFields {
  login: boolean;
  server: string;
  username: string;
  password: string;
}

const DOCKER_HUB = 'https://index.docker.io/v1/';

/** The registry an image name points at: its first component when that looks like a host, else Docker Hub. */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : DOCKER_HUB;
}

export function registryAuth(image: string, login: LoginFields, env: Record<string, string | undefined>): RegistryAuth | undefined {
  if (login.login) return { username: login.username, password: login.password, serveraddress: login.server || registryOf(image) };
  return storedAuth(registryOf(image), env);
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
}

function storedAuth(registry: string, env: Record<string, string | undefined>): RegistryAuth | undefined {
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  let parsed: DockerConfigFile;
  try {
    parsed = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as DockerConfigFile;
  } catch {
    return undefined;
  }
  const auths = parsed.auths ?? {};
  const bare = (s: string) => s.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  const key = Object.keys(auths).find((k) => k === registry || bare(k) === bare(registry));
  if (key === undefined) return undefined;
  const entry = auths[key];
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: key };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: key };
  }
  if (entry.username) return { username: entry.username, password: entry.password ?? '', serveraddress: key };
  return undefined;
}
