/**
 * Fault tests drive the real CLI process (bin/bakehouse.js, so dist/ must be current: `npm run build`) against the real
 * Docker daemon. A pass-through proxy on a Unix socket can hold chosen API calls, so an interrupt lands inside the step
 * that makes them however fast the daemon is.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after } from 'node:test';
import { BASE_IMAGE, TINY_IMAGE, containersOf, docker } from '../builders/docker/harness';

export { BASE_IMAGE, REGISTRY, TINY_IMAGE, containersOf, docker, requireDocker, uniqueName } from '../builders/docker/harness';

const REPO = resolve(__dirname, '../..');
export const BIN = join(REPO, 'bin/bakehouse.js');
/** Packer's exit code for a build that was interrupted (and for any failed build). */
export const INTERRUPTED_EXIT = 1;
const DOCKER_SOCK = '/var/run/docker.sock';

/** Fails (never skips) when the CLI bundle is missing. */
export function requireBuiltCli(): void {
  const bundle = join(REPO, 'dist/cli.js');
  assert.ok(existsSync(bundle), 'dist/cli.js is missing: run `npm run build` first');
}

/** Folders of one CLI run: its working dir, BAKEHOUSE_DATA_DIR and TMPDIR, all fresh; removed when the file ends. */
export interface Sandbox {
  root: string;
  work: string;
  data: string;
  tmp: string;
  env: Record<string, string | undefined>;
}

const roots: string[] = [];
const sandboxesByRun = new Map<string, Sandbox>();
after(() => {
  // Whatever a failed assertion left: containers and the images they were committed into, then the folders.
  for (const [id, s] of sandboxesByRun) {
    for (const c of containersOf(id)) spawnSync('docker', ['rm', '-f', c]);
    for (const i of imagesOf(s)) spawnSync('docker', ['rmi', '-f', i]);
  }
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

export function sandbox(template: string, files: Record<string, string | Buffer> = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'bakehouse-faults-'));
  roots.push(root);
  const s: Sandbox = { root, work: join(root, 'work'), data: join(root, 'data'), tmp: join(root, 'tmp'), env: {} };
  for (const d of [s.work, s.data, s.tmp]) mkdirSync(d);
  writeFileSync(join(s.work, 'build.pkr.hcl'), template);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(s.work, name), content);
  s.env = { ...process.env, BAKEHOUSE_DATA_DIR: s.data, TMPDIR: s.tmp, NO_COLOR: '1' };
  return s;
}

/** The run id of the sandbox's one run, from its run log's name; remembered so teardown can remove what it made. */
export function runIdOf(s: Sandbox): string {
  const runs = join(s.data, 'runs');
  const logs = existsSync(runs) ? readdirSync(runs).filter((n) => n.endsWith('.jsonl')) : [];
  assert.equal(logs.length, 1, `one run log in ${runs}: ${logs.join(', ')}`);
  const id = logs[0].replace(/\.jsonl$/, '');
  sandboxesByRun.set(id, s);
  return id;
}

export function runLogOf(s: Sandbox): string {
  return join(s.data, 'runs', `${runIdOf(s)}.jsonl`);
}

/**
 * Images the sandbox's run committed and that still exist. Committed images carry no label of ours, so their ids come
 * from the run log (the builder reports each one); the base images the tests start from are never counted.
 */
export function imagesOf(s: Sandbox): string[] {
  const log = join(s.data, 'runs');
  if (!existsSync(log)) return [];
  const ids = new Set<string>();
  for (const name of readdirSync(log).filter((n) => n.endsWith('.jsonl'))) {
    for (const id of readFileSync(join(log, name), 'utf8').match(/sha256:[0-9a-f]{64}/g) ?? []) ids.add(id);
  }
  const bases = new Set([BASE_IMAGE, TINY_IMAGE].flatMap((image) => docker('images', '-q', '--no-trunc', image).split('\n').filter(Boolean)));
  const present = new Set(docker('images', '-q', '--no-trunc').split('\n').filter(Boolean));
  return [...ids].filter((id) => present.has(id) && !bases.has(id));
}

/** Nothing of the run is left: no container, no bakehouse temp folder, and the working dir holds only what the test put there. */
export function assertNothingLeft(s: Sandbox, runId: string, inputs: string[] = ['build.pkr.hcl']): void {
  assert.deepEqual(containersOf(runId), [], 'no container of the run is left');
  assert.deepEqual(readdirSync(s.tmp), [], 'no temp folder is left under the run\'s TMPDIR');
  assert.deepEqual(readdirSync(s.work).filter((n) => !inputs.includes(n)).sort(), [], 'no output (export, partial file, manifest) is left');
}

export interface Cli {
  child: ChildProcess;
  lines: string[];
  stderr(): string;
  stdout(): string;
  /** Resolves with the first stdout line matching, rejects when the process ends first or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function startCli(s: Sandbox, args: string[], env: Record<string, string | undefined> = {}): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: s.work, env: { ...s.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const lines: string[] = [];
  let partial = '';
  const waiters: Array<{ re: RegExp; resolve(l: string): void }> = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
      for (const w of [...waiters]) {
        if (!w.re.test(l)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal, at: Date.now() })),
  );
  return {
    child,
    lines,
    stderr: () => err,
    stdout: () => out,
    exited,
    waitFor(re, ms = 30_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no line matching ${re} within ${ms} ms; stdout:\n${out}\nstderr:\n${err}`)), ms);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), res(l)) });
        void exited.then(() => {
          clearTimeout(t);
          rej(new Error(`the CLI exited before printing a line matching ${re}; stdout:\n${out}\nstderr:\n${err}`));
        });
      });
    },
  };
}

/** Runs the CLI to completion (e.g. `bakehouse cleanup`). */
export function runCli(s: Sandbox, args: string[], env: Record<string, string | undefined> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: s.work, env: { ...s.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A held Docker API call: `seen` resolves when it reaches the proxy; `release` forwards it, `drop` cuts its connection. */
export interface Hold {
  seen: Promise<string>;
  release(): void;
  drop(): void;
}

/**
 * A byte-for-byte proxy to the real daemon on a Unix socket (hijacked exec streams pass through untouched). Requests whose
 * first line matches a held pattern wait, with everything after them on that connection, until released.
 */
export class DockerProxy {
  readonly socketPath: string;
  private readonly server: Server;
  private readonly holds: Array<{ re: RegExp; hit?: (line: string) => void; waiting: Array<() => void>; drops: Socket[]; released: boolean; dropped: boolean }> = [];
  private readonly sockets = new Set<Socket>();

  constructor(dir: string) {
    this.socketPath = join(dir, 'docker-proxy.sock');
    this.server = createServer((client) => this.pipe(client));
  }

  get host(): string {
    return `unix://${this.socketPath}`;
  }

  listen(): Promise<void> {
    return new Promise((res) => this.server.listen(this.socketPath, res));
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }

  /** Holds the first request whose request line (e.g. `POST /v1.41/commit?…`) matches `re`. */
  hold(re: RegExp): Hold {
    let hit!: (line: string) => void;
    const seen = new Promise<string>((res) => (hit = res));
    const h = { re, hit, waiting: [] as Array<() => void>, drops: [] as Socket[], released: false, dropped: false };
    this.holds.push(h);
    return {
      seen,
      release: () => {
        h.released = true;
        for (const w of h.waiting.splice(0)) w();
      },
      drop: () => {
        h.dropped = true;
        for (const s of h.drops.splice(0)) s.destroy();
      },
    };
  }

  private pipe(client: Socket): void {
    const upstream = connect(DOCKER_SOCK);
    this.sockets.add(client).add(upstream);
    const gone = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', gone).on('close', gone);
    upstream.on('error', gone).on('close', gone);
    upstream.pipe(client);
    // Chunks go upstream in order; once one is held, the rest of this connection queues behind it.
    let queue = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      const first = /^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.[01]\r?$/m.exec(chunk.subarray(0, 2048).toString('latin1'));
      const line = first ? `${first[1]} ${first[2]}` : undefined;
      const h = line === undefined ? undefined : this.holds.find((x) => x.hit !== undefined && x.re.test(line));
      let gate: Promise<void> | undefined;
      if (h?.hit && line !== undefined) {
        const hit = h.hit;
        h.hit = undefined;
        if (!h.released) {
          gate = new Promise<void>((res) => h.waiting.push(res));
          h.drops.push(client, upstream);
        }
        hit(line);
      }
      queue = queue.then(async () => {
        if (gate) await gate;
        if (!upstream.destroyed) upstream.write(chunk);
      });
    });
  }
}

/** Starts a proxy in the sandbox; closed when the test file ends. */
export async function dockerProxy(s: Sandbox): Promise<DockerProxy> {
  const p = new DockerProxy(s.root);
  await p.listen();
  after(() => p.close());
  return p;
}

/** Sends SIGINT and waits for the process to end, within `ms`. */
export async function interrupt(cli: Cli, ms = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; tookMs: number }> {
  const sent = Date.now();
  cli.child.kill('SIGINT');
  const timer = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`still running ${ms} ms after SIGINT; stdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`)), ms).unref());
  const r = await Promise.race([cli.exited, timer]);
  return { code: r.code, signal: r.signal, tookMs: r.at - sent };
}

export function sizeOf(path: string): number {
  return statSync(path).size;
}
