/**
 * What Google's side of a Linux VM does for the emulator's instances, so a startup script runs and talks back as on GCE:
 *
 * - The metadata server (cloud.google.com/compute/docs/metadata/overview and …/metadata/querying-metadata): on GCE it
 *   is at 169.254.169.254:80, named metadata.google.internal, answers only requests carrying `Metadata-Flavor: Google`
 *   (403 otherwise), and each VM sees its own metadata there, its custom keys under `instance/attributes/`, and an
 *   access token of its service account under `instance/service-accounts/default/token`. Here it is an HTTP server on
 *   the Docker bridge's gateway address; each instance's container resolves metadata.google.internal to 169.254.169.254
 *   (`--add-host`), and an iptables rule made in the container at boot (it runs with NET_ADMIN) sends that address's
 *   port 80 to this server. So a script reads `http://metadata.google.internal/computeMetadata/v1/…` unchanged, and
 *   nothing else in the container's network differs. The instance a request is about is the container it comes from.
 * - The startup script (cloud.google.com/compute/docs/instances/startup-scripts/linux): the guest agent runs the
 *   `startup-script` metadata value as root once the VM has booted and its network is up, and logs its output to the
 *   serial console as `startup-script: …` lines. Here the emulator runs it with `docker exec` once the container is up
 *   (the instance RUNNING), and its output goes to the instance's serial port output.
 * - gcloud on the VM calls the Compute API with the token the metadata server gives: the guest image's stand-in
 *   (test/fixtures/googlecompute/gcloud) is pointed at this server's `/compute/v1/` through gcloud's own endpoint
 *   override setting, CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE, in the startup script's environment.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureSshdImage } from '../../support/ec2-instance';
import type { GoogleReply, GoogleRequest } from './wire';
import { readRequest, send } from './wire';

const run = promisify(execFile);

/** The Docker image behind the emulator's public images (test/fixtures/googlecompute/guest.Dockerfile; .ci/run builds it). */
export const GCE_GUEST_IMAGE = 'local/gce-guest:bookworm';
const METADATA_IP = '169.254.169.254';

export function ensureGuestImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', GCE_GUEST_IMAGE], { stdio: 'ignore' });
    return;
  } catch {
    // Not built yet.
  }
  ensureSshdImage();
  const context = join(__dirname, '..', '..', 'fixtures', 'googlecompute');
  execFileSync('docker', ['build', '-q', '-t', GCE_GUEST_IMAGE, '-f', join(context, 'guest.Dockerfile'), context], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
}

/** An instance as its metadata server sees it. */
export interface GuestView {
  project: string;
  zone: string;
  name: string;
  id: string;
  metadata: { key: string; value: string }[];
  /** The service account's email, undefined when the instance has none. */
  serviceAccount: string | undefined;
}

export interface GuestDeps {
  /** The instance whose container has this address. */
  instanceAt(ip: string): GuestView | undefined;
  /** A Compute API call from inside a VM, authenticated as any other. */
  compute(r: GoogleRequest): Promise<GoogleReply>;
  /** An access token of the service account, as the token endpoint would give. */
  token(email: string): string;
}

export class Guest {
  private server: Server | undefined;
  private url = '';
  private readonly scripts = new Set<Promise<unknown>>();

  constructor(private readonly deps: GuestDeps) {}

  async start(): Promise<void> {
    const gateway = execFileSync('docker', ['network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}'], { encoding: 'utf8' }).trim();
    const server = createServer((req, res) => {
      this.handle(req)
        .then((reply) => {
          if ('body' in reply || !('text' in reply)) return send(res, reply);
          // The metadata server answers values as plain text.
          res.writeHead(reply.status, { 'Content-Type': 'application/text', 'Metadata-Flavor': 'Google' });
          res.end(reply.text);
        })
        .catch((e: unknown) => send(res, { status: 500, body: { error: (e as Error).message } }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, gateway, () => resolve());
    });
    const address = server.address();
    this.server = server;
    this.url = `http://${gateway}:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** `docker run` options every instance's container gets: the metadata server's name and the right to redirect it. */
  readonly dockerArgs = ['--cap-add', 'NET_ADMIN', '--add-host', `metadata.google.internal:${METADATA_IP}`];

  /** Sends the container's metadata-server traffic here; answers the container's address. */
  async boot(containerId: string): Promise<string> {
    const target = this.url.replace(/^http:\/\//, '');
    await run('docker', ['exec', containerId, 'iptables', '-t', 'nat', '-A', 'OUTPUT', '-d', METADATA_IP, '-p', 'tcp', '--dport', '80', '-j', 'DNAT', '--to-destination', target]);
    const { stdout } = await run('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', containerId]);
    return stdout.trim();
  }

  /**
   * Runs `script` as root in the container as the guest agent does, each output line passed to `log`; resolves with its
   * exit code (or -1 when the container went away under it).
   */
  runStartupScript(containerId: string, script: string, log: (line: string) => void): Promise<number> {
    const child = spawn('docker', ['exec', '-i', '-e', `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE=${this.url}/compute/v1/`, containerId, 'bash', '-c', 'f=$(mktemp /tmp/startup-script.XXXXXX) && cat >"$f" && chmod 755 "$f" && "$f"; s=$?; rm -f "$f"; exit $s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let pending = '';
    const take = (d: Buffer): void => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) log(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.stdin.end(script);
    const done = new Promise<number>((resolve) => {
      child.once('error', () => resolve(-1));
      child.once('close', (code) => {
        if (pending) log(pending);
        resolve(code ?? -1);
      });
    });
    this.scripts.add(done);
    void done.then(() => this.scripts.delete(done));
    return done;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.scripts]);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage): Promise<GoogleReply | TextReply> {
    const r = await readRequest(req, this.url);
    if (r.segments[0] === 'compute') return this.deps.compute(r);
    if (r.segments[0] !== 'computeMetadata' || r.segments[1] !== 'v1') return text(404, 'Not Found');
    // The metadata server's own guard against requests relayed from outside (…/querying-metadata#parts-of-a-request).
    if (req.headers['metadata-flavor'] !== 'Google' || req.headers['x-forwarded-for'] !== undefined) return text(403, 'Missing Metadata-Flavor:Google header.');
    const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const vm = this.deps.instanceAt(ip);
    if (!vm) return text(404, 'Not Found');
    const path = r.segments.slice(2).join('/');
    const attribute = /^instance\/attributes\/(.+)$/.exec(path)?.[1];
    if (attribute !== undefined) {
      const item = vm.metadata.find((i) => i.key === attribute);
      return item ? text(200, item.value) : text(404, 'Not Found');
    }
    switch (path) {
      case 'instance/name':
        return text(200, vm.name);
      case 'instance/hostname':
        return text(200, `${vm.name}.${vm.zone}.c.${vm.project}.internal`);
      case 'instance/id':
        return text(200, vm.id);
      case 'instance/zone':
        return text(200, `projects/${projectNumber(vm.project)}/zones/${vm.zone}`);
      case 'project/project-id':
        return text(200, vm.project);
      case 'project/numeric-project-id':
        return text(200, projectNumber(vm.project));
      case 'instance/service-accounts/default/email':
        return vm.serviceAccount ? text(200, vm.serviceAccount) : text(404, 'Not Found');
      case 'instance/service-accounts/default/token':
        return vm.serviceAccount ? { status: 200, body: { access_token: this.deps.token(vm.serviceAccount), expires_in: 3599, token_type: 'Bearer' } } : text(404, 'Not Found');
      default:
        return text(404, 'Not Found');
    }
  }
}

interface TextReply {
  status: number;
  text: string;
}

function text(status: number, body: string): TextReply {
  return { status, text: body };
}

/** A stable project number for a project id (GCE names projects by number in some metadata values). */
function projectNumber(project: string): string {
  let n = 0;
  for (const c of project) n = (n * 31 + c.charCodeAt(0)) % 900_000_000_000;
  return String(100_000_000_000 + n);
}
