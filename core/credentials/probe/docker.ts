/**
 * docker: the registry's `/v2/` with the credential, as `docker login` checks one (Docker Registry HTTP API V2, "API
 * Version Check"). A registry that answers with a Bearer challenge (Docker Hub, GHCR, …) hands out tokens: then the
 * credential is sent to the challenge's realm, as Docker's token authentication specification describes, and a token
 * back means it works.
 */
import { withHelperLogin } from '../docker-helper';
import type { Credential } from '../vault';
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions, type ProbeOutcome } from './outcome';

const DOCKER_HUB = 'https://registry-1.docker.io';

/** The registry's base URL: a server written without a scheme is HTTPS, except loopback, which Docker reaches over HTTP. */
export function registryBaseUrl(server: string | undefined): string {
  if (!server || /^(https?:\/\/)?(index\.)?docker\.io(\/.*)?$/.test(server)) return DOCKER_HUB;
  if (/^https?:\/\//.test(server)) return server.replace(/\/(v1|v2)?\/?$/, '');
  const host = server.replace(/\/.*$/, '');
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${loopback ? 'http' : 'https'}://${host}`;
}

export async function probeDocker(stored: Credential, opts: ProbeOptions): Promise<ProbeOutcome> {
  const resolved = await withHelperLogin(stored, opts.env);
  if (!resolved.ok) return { ok: false, message: resolved.error };
  const f = resolved.value.fields;
  const server = typeof f.login_server === 'string' ? f.login_server : undefined;
  const base = registryBaseUrl(server);
  const basic = `Basic ${Buffer.from(`${String(f.login_username)}:${String(f.login_password)}`, 'utf8').toString('base64')}`;
  const signal = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  let answer: Response;
  try {
    answer = await fetch(`${base}/v2/`, { headers: { Authorization: basic }, signal, redirect: 'follow' });
  } catch (e) {
    return { ok: false, message: `cannot reach the registry at ${base}: ${reasonOf(e)}` };
  }
  if (answer.ok) return { ok: true, message: `${base} accepted the login of ${String(f.login_username)}` };
  const challenge = answer.headers.get('www-authenticate') ?? '';
  if (answer.status === 401 && /^bearer\s/i.test(challenge)) return tokenExchange(base, challenge, basic, String(f.login_username), signal);
  return { ok: false, message: `${base}/v2/ answered ${answer.status} ${answer.statusText}${await registryReason(answer)}` };
}

async function tokenExchange(base: string, challenge: string, basic: string, user: string, signal: AbortSignal): Promise<ProbeOutcome> {
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]));
  if (!params.realm) return { ok: false, message: `${base}/v2/ asked for a token without saying where to get one (${challenge})` };
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  try {
    const answer = await fetch(url, { headers: { Authorization: basic }, signal });
    if (answer.ok) return { ok: true, message: `${url.origin} issued a token to ${user} for ${base}` };
    return { ok: false, message: `${url.origin} refused a token: ${answer.status} ${answer.statusText}${await registryReason(answer)}` };
  } catch (e) {
    return { ok: false, message: `cannot reach the token service ${url.origin}: ${reasonOf(e)}` };
  }
}

/** The registry's own words: the V2 API's `{"errors":[{"code","message"}]}`, or a token service's `details`. */
async function registryReason(answer: Response): Promise<string> {
  const text = await answer.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }>; details?: string };
    const first = body.errors?.[0];
    if (first) return `: ${[first.code, first.message].filter(Boolean).join(' ')}`;
    if (body.details) return `: ${body.details}`;
  } catch {
    // not JSON: the status says enough
  }
  return '';
}

function reasonOf(e: unknown): string {
  const error = e as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return 'no answer in time';
  return error.cause?.code ?? error.cause?.message ?? error.message;
}
