/**
 * Talks to the Docker daemon through its Engine API (dockerode), never the docker CLI, and turns its failures into
 * messages that say what to do. The builder, the communicator and the docker post-processors share it.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Docker from 'dockerode';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import { pipeToNewFile } from '../../files/atomic-write';
import type { RegistryAuth } from './auth';

/** How long we wait for the daemon to answer a ping before calling it unreachable. */
const PING_TIMEOUT_MS = 4000;

export interface DockerEndpoint {
  docker: Docker;
  /** Where the daemon is, as the user would write DOCKER_HOST. */
  where: string;
}

/** The daemon named by DOCKER_HOST in `env` (unix:// or tcp://), or the local socket. */
export function dockerEndpoint(env: Record<string, string | undefined>): DockerEndpoint {
  const host = env.DOCKER_HOST?.trim() ?? '';
  if (host === '' || host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length) || '/var/run/docker.sock';
    return { docker: new Docker({ socketPath }), where: `unix://${socketPath}` };
  }
  const url = new URL(host.includes('://') ? host : `tcp://${host}`);
  const tls = env.DOCKER_TLS_VERIFY === '1' || url.port === '2376';
  return {
    docker: new Docker({ host: url.hostname, port: url.port || (tls ? '2376' : '2375'), protocol: tls ? 'https' : 'http' }),
    where: host,
  };
}

/** Docker's own error text when it sent one, else the Node error (ENOENT, ECONNREFUSED …). */
export function dockerErrorText(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { json?: { message?: string }; reason?: string; message?: string; statusCode?: number };
    if (o.json && typeof o.json.message === 'string') return o.json.message;
    if (typeof o.message === 'string') return o.message.replace(/^\(HTTP code \d+\) [^-]*- /, '');
  }
  return String(e);
}

/** A failure to reach the daemon (not, say, a local file we could not open). */
function isUnreachable(e: unknown): boolean {
  const { code, syscall } = (e ?? {}) as { code?: string; syscall?: string };
  if (syscall !== undefined && syscall !== 'connect' && syscall !== 'getaddrinfo') return false;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND';
}

export function statusOf(e: unknown): number | undefined {
  return (e as { statusCode?: number } | undefined)?.statusCode;
}

export class DockerDriver {
  readonly docker: Docker;
  readonly where: string;

  constructor(endpoint: DockerEndpoint) {
    this.docker = endpoint.docker;
    this.where = endpoint.where;
  }

  static fromEnv(env: Record<string, string | undefined>): DockerDriver {
    return new DockerDriver(dockerEndpoint(env));
  }

  /** The message for a failed call, with what to do when the daemon itself is out of reach. */
  describe(e: unknown): string {
    if (isUnreachable(e)) {
      return `Cannot connect to the Docker daemon at ${this.where} (${dockerErrorText(e)}). Is the Docker daemon running? Check DOCKER_HOST.`;
    }
    return dockerErrorText(e);
  }

  /** Packer's driver.Verify: the daemon answers, within a few seconds. */
  async verify(signal: AbortSignal): Promise<Result<string>> {
    const timeout = AbortSignal.timeout(PING_TIMEOUT_MS);
    try {
      // dockerode accepts abortSignal here though its typings do not say so.
      const withSignal = { abortSignal: AbortSignal.any([signal, timeout]) };
      await (this.docker.ping as (o: object) => Promise<unknown>).call(this.docker, withSignal);
      const v = await (this.docker.version as (o: object) => Promise<Docker.DockerVersion>).call(this.docker, withSignal);
      return ok(v.Version);
    } catch (e) {
      if (timeout.aborted && !signal.aborted) {
        return err(`Cannot connect to the Docker daemon at ${this.where}: no answer within ${PING_TIMEOUT_MS / 1000}s. Is the Docker daemon running? Check DOCKER_HOST.`);
      }
      const status = statusOf(e);
      if (status !== undefined) {
        return err(`Cannot connect to the Docker daemon at ${this.where}: it answered HTTP ${status}, which is not the Docker Engine API. Check DOCKER_HOST.`);
      }
      return err(this.describe(e));
    }
  }

  async imageExists(name: string): Promise<boolean> {
    try {
      await this.docker.getImage(name).inspect();
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw e;
    }
  }

  /** The image's full id (`sha256:…`). */
  async imageId(name: string): Promise<string> {
    const info = await this.docker.getImage(name).inspect();
    return info.Id;
  }

  async pull(image: string, auth: RegistryAuth | undefined, onStatus: (line: string) => void, signal: AbortSignal): Promise<void> {
    const { repo, tag } = splitReference(image);
    // A digest reference (`repo@sha256:…`) is pulled as written; a bare name means its `latest` tag.
    const ref = image.includes('@') ? image : `${repo}:${tag}`;
    const stream = (await this.docker.pull(ref, { authconfig: auth, abortSignal: signal })) as NodeJS.ReadableStream;
    await followProgress(stream, onStatus);
  }

  async push(name: string, auth: RegistryAuth | undefined, onStatus: (line: string) => void, signal: AbortSignal): Promise<void> {
    const { repo, tag } = splitReference(name);
    const stream = (await this.docker.getImage(repo).push({ tag, authconfig: auth ?? { username: '', password: '' }, abortSignal: signal })) as NodeJS.ReadableStream;
    await followProgress(stream, onStatus);
  }

  async tag(image: string, target: string, force: boolean): Promise<void> {
    const { repo, tag } = splitReference(target);
    await this.docker.getImage(image).tag({ repo, tag, ...(force ? { force: true } : {}) });
  }

  async removeImage(name: string): Promise<void> {
    try {
      await this.docker.getImage(name).remove();
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }

  async removeContainer(nameOrId: string): Promise<void> {
    try {
      await this.docker.getContainer(nameOrId).remove({ force: true, v: true });
    } catch (e) {
      // 404: never created or already gone; 409: removal already in progress.
      if (statusOf(e) !== 404 && statusOf(e) !== 409) throw e;
    }
  }

  /** Writes `docker save` of `image` to `path` through a temporary file, so `path` is whole or absent. */
  async save(image: string, path: string, signal: AbortSignal): Promise<void> {
    const stream = (await this.docker.getImage(image).get()) as NodeJS.ReadableStream;
    await writeAtomically(stream, path, signal);
  }

  /** `docker import` of a tar file; returns the new image's id. */
  async importTar(file: string, repository: string, changes: string[], signal: AbortSignal): Promise<string> {
    const { repo, tag } = repository === '' ? { repo: '', tag: '' } : splitReference(repository);
    const opts: Record<string, unknown> = { abortSignal: signal };
    if (repo) opts.repo = repo;
    if (tag && repository !== '') opts.tag = tag;
    if (changes.length > 0) opts.changes = changes;
    const stream = (await this.docker.importImage(createReadStream(file), opts)) as NodeJS.ReadableStream;
    let id = '';
    await followProgress(stream, (line) => {
      if (/^sha256:[0-9a-f]{64}$/.test(line)) id = line;
    });
    if (id === '') throw new Error(`Docker did not report an image id for the import of ${file}`);
    return id;
  }
}

/** `repo[:tag]` → repo and tag (`latest` when absent); a registry's port (`host:5000/x`) is not a tag. */
export function splitReference(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { repo: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref, tag: 'latest' };
}

interface ProgressEvent {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Reads a pull/push/import JSON progress stream; resolves when it ends, rejects with the daemon's error if it reports one. */
async function followProgress(stream: NodeJS.ReadableStream, onStatus: (line: string) => void): Promise<void> {
  let buf = '';
  let error: string | undefined;
  const handle = (line: string) => {
    if (line.trim() === '') return;
    let ev: ProgressEvent;
    try {
      ev = JSON.parse(line) as ProgressEvent;
    } catch {
      onStatus(line);
      return;
    }
    if (ev.error || ev.errorDetail?.message) error = ev.errorDetail?.message ?? ev.error;
    else if (ev.status && !ev.progress) onStatus(ev.id ? `${ev.id}: ${ev.status}` : ev.status);
  };
  for await (const chunk of stream) {
    buf += chunk.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      handle(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  }
  handle(buf);
  if (error !== undefined) throw new Error(error);
}

/** A temporary sibling of `path`, renamed over it only once the stream ended cleanly. */
export function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial-${randomBytes(4).toString('hex')}`);
}

export async function writeAtomically(stream: NodeJS.ReadableStream, path: string, signal: AbortSignal, partial = partialPath(path)): Promise<void> {
  if (signal.aborted) throw new Error(CANCELLED);
  try {
    await pipeToNewFile([stream], partial, signal, 0o644);
  } catch (e) {
    throw signal.aborted ? new Error(CANCELLED) : e;
  }
  renameSync(partial, path);
}
