/**
 * The machines behind the emulator's VMs: one sshd container each (image local/sshd:bookworm, the amazon-ebs tests'
 * instance image, test/support/ec2-instance.ts), with the VM's adminUsername made a passwordless sudoer and only the VM's
 * osProfile SSH public keys trusted. Port 22 is published on 127.0.0.1 at a port of its own, which the emulator reports
 * through `machines` (a client connects with ssh_host=127.0.0.1 and that ssh_port). Deallocating stops the container,
 * capturing an image commits it (so a VM made from the image has what the provisioners left), deleting removes it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureSshdImage } from '../../support/ec2-instance';
import { freePort } from '../../support/sshd';

const run = promisify(execFile);

export interface MachineSpec {
  /** The VM's resource id. */
  vmId: string;
  computerName: string;
  adminUsername: string;
  publicKeys: string[];
  adminPassword?: string;
  /** The Docker image to boot: the sshd image for Marketplace images, a committed one for a captured image. */
  image: string;
  /** osProfile.customData, decoded (Azure hands it to cloud-init; here a test reads it). */
  customData?: string;
  /** More `docker run` options (the GCE emulator's guest networking: test/emulators/gce/guest.ts). */
  dockerArgs?: string[];
}

export interface Machine {
  vmId: string;
  host: '127.0.0.1';
  port: number;
  containerId: string;
  adminUsername: string;
  image: string;
  customData?: string;
}

export class Machines {
  /** Machines by VM resource id (lower case), for tests: where to connect. */
  readonly byVm = new Map<string, Machine>();
  private readonly reserved: number[] = [];
  private readonly images = new Set<string>();
  private readonly dirs: string[] = [];
  /** Starts under way, which close() waits for: a container that came up after it would outlive the emulator. */
  private readonly starting = new Set<Promise<unknown>>();
  /** The same starts by VM id (lower case): a VM deleted while it boots (a build cancelled then) loses its container once it is up. */
  private readonly startingByVm = new Map<string, Promise<unknown>>();
  private closed = false;

  /** `imageRepo` names the Docker images commit() makes (the GCE emulator shares this class). */
  constructor(
    private readonly label: string,
    private readonly imageRepo = 'local/azure-emulator-image',
  ) {}

  /** A free port the next VM's SSH will be published on, so a template can name its ssh_port before the build. */
  async reservePort(port?: number): Promise<number> {
    const p = port ?? (await freePort());
    this.reserved.push(p);
    return p;
  }

  get(vmId: string): Machine | undefined {
    return this.byVm.get(vmId.toLowerCase());
  }

  start(spec: MachineSpec): Promise<Machine> {
    if (this.closed) return Promise.reject(new Error('the emulator is closed'));
    const p = this.boot(spec);
    const key = spec.vmId.toLowerCase();
    this.starting.add(p);
    this.startingByVm.set(key, p);
    const forget = (): void => {
      this.starting.delete(p);
      if (this.startingByVm.get(key) === p) this.startingByVm.delete(key);
    };
    p.then(forget, forget);
    return p;
  }

  private async boot(spec: MachineSpec): Promise<Machine> {
    ensureSshdImage();
    const dir = mkdtempSync(join(tmpdir(), 'bakehouse-azure-vm-'));
    this.dirs.push(dir);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'authorized_keys'), spec.publicKeys.map((k) => `${k.trim()}\n`).join(''), { mode: 0o644 });
    const port = this.reserved.shift() ?? (await freePort());
    const user = spec.adminUsername;
    // The user and its sudo rule are made at boot, so a captured image booted again keeps what was in it.
    const boot = [
      `id -u ${user} >/dev/null 2>&1 || useradd -m -s /bin/bash ${user}`,
      `echo '${user} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/90-azure-${user}`,
      spec.adminPassword ? `echo "${user}:$AZURE_ADMIN_PASSWORD" | chpasswd` : 'true',
      'mkdir -p /run/sshd',
      `exec /usr/sbin/sshd -D -e -o AuthorizedKeysFile=/keys/authorized_keys -o StrictModes=no -o PasswordAuthentication=${spec.adminPassword ? 'yes' : 'no'} -o KbdInteractiveAuthentication=no -o LogLevel=VERBOSE -o PubkeyAcceptedAlgorithms=+ssh-rsa`,
    ].join(' && ');
    const { stdout } = await run('docker', [
      'run', '-d', '--label', 'bakehouse-test=azure-emulator', '--label', this.label, '--hostname', spec.computerName,
      '-p', `127.0.0.1:${port}:22`, '-v', `${dir}:/keys:ro`, ...(spec.adminPassword ? ['-e', `AZURE_ADMIN_PASSWORD=${spec.adminPassword}`] : []),
      ...(spec.dockerArgs ?? []), spec.image, 'sh', '-c', boot,
    ]);
    const machine: Machine = { vmId: spec.vmId, host: '127.0.0.1', port, containerId: stdout.trim(), adminUsername: user, image: spec.image, ...(spec.customData !== undefined ? { customData: spec.customData } : {}) };
    this.byVm.set(spec.vmId.toLowerCase(), machine);
    if (this.closed) {
      // Not remove(): that waits for this very start.
      await this.removeNow(spec.vmId);
      throw new Error('the emulator is closed');
    }
    await waitForSsh(port);
    return machine;
  }

  /** Deallocate / power off: the container stops, its disk (filesystem) stays. */
  async stop(vmId: string): Promise<void> {
    const m = this.get(vmId);
    if (m) await run('docker', ['stop', '-t', '2', m.containerId]);
  }

  async restart(vmId: string): Promise<void> {
    const m = this.get(vmId);
    if (!m) return;
    await run('docker', ['start', m.containerId]);
    await waitForSsh(m.port);
  }

  /** Capture: the stopped container's filesystem as a Docker image a later VM boots from. */
  async commit(vmId: string, tag: string): Promise<string> {
    const m = this.get(vmId);
    if (!m) throw new Error(`no machine for ${vmId}`);
    const image = `${this.imageRepo}:${tag}`;
    await run('docker', ['commit', m.containerId, image]);
    this.images.add(image);
    return image;
  }

  async remove(vmId: string): Promise<void> {
    await this.startingByVm.get(vmId.toLowerCase())?.catch(() => undefined);
    await this.removeNow(vmId);
  }

  private async removeNow(vmId: string): Promise<void> {
    const m = this.get(vmId);
    if (!m) return;
    this.byVm.delete(vmId.toLowerCase());
    await run('docker', ['rm', '-f', m.containerId]).catch(() => undefined);
  }

  /** Every container and captured image this emulator made, gone. */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.starting]);
    for (const m of this.byVm.values()) {
      try {
        execFileSync('docker', ['rm', '-f', m.containerId], { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    }
    this.byVm.clear();
    if (this.images.size) {
      try {
        execFileSync('docker', ['rmi', '-f', ...this.images], { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    }
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** Docker's proxy accepts a connection before sshd listens, so ready means sshd's banner arrived. */
async function waitForSsh(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const banner = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      const done = (ok: boolean): void => {
        s.destroy();
        resolve(ok);
      };
      s.setTimeout(1000, () => done(false));
      s.once('data', (b: Buffer) => done(b.toString().startsWith('SSH-')));
      s.once('error', () => done(false));
      s.once('close', () => done(false));
    });
    if (banner) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd on 127.0.0.1:${port} did not answer within ${timeoutMs / 1000} s`);
}
