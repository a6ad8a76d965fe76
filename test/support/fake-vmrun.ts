/**
 * A fake VMware Workstation for real `bakehouse build` processes: test/fixtures/vmware/vmrun first on the build's PATH,
 * recording every call and playing the machine with an sshd container (local/sshd:bookworm) as the installed guest,
 * reachable at its bridge address, which `vmrun getGuestIPAddress` answers as VMware Tools would. vdiskmanager and
 * ovftool are absent, so disks are made by the real qemu-img and exports by Bakehouse's own OVF writer.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSshdImage } from './ec2-instance';
import { TSX_LOADER } from './tsx';

const SCRIPT = join(__dirname, '..', 'fixtures', 'vmware', 'vmrun');
const RUNNER = join(__dirname, '..', 'cli', 'commands', 'build-runner.ts');
const LABEL = 'bakehouse-test=vmware-fake-vm';

/** The guest's login, as an installer's preseed would have set it (the image's user with passwordless sudo). */
export const GUEST_USER = 'ubuntu';
export const GUEST_PASSWORD = 'bh-vmware-guest-7c2e';

export interface FakeVmrun {
  /** The folder the build runs in (template, ISO, output). */
  dir: string;
  env: Record<string, string>;
  /** Every vmrun call's argv, in order. */
  calls(): string[][];
  /** The ids of the containers `vmrun start` ran, in order. */
  started(): string[];
  /** A file the fake copied from the guest as it went down ($FAKE_VMRUN_KEEP), or undefined. */
  kept(name: string): string | undefined;
  /** Fake machines (containers) of this fake's folder still there, running or not, whether or not `start` reported them. */
  machines(): string[];
  remove(): void;
}

/** A fresh folder with the fake's bin and state; `keep` names guest files copied out when the machine goes down. */
export function fakeVmrun(keep: string[] = [], o: { powerOnSeconds?: number } = {}): FakeVmrun {
  ensureSshdImage();
  const root = mkdtempSync(join(tmpdir(), 'bakehouse-vmware-'));
  const bin = join(root, 'bin');
  const state = join(root, 'state');
  const dir = join(root, 'build');
  for (const d of [bin, state, dir]) mkdirSync(d);
  copyFileSync(SCRIPT, join(bin, 'vmrun'));
  chmodSync(join(bin, 'vmrun'), 0o755);
  const log = join(state, 'calls');
  writeFileSync(log, '');
  writeFileSync(join(state, 'containers'), '');
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    FAKE_VMRUN_LOG: log,
    FAKE_VMRUN_STATE: state,
    FAKE_VMRUN_KEEP: keep.join(' '),
    FAKE_VMRUN_USER: GUEST_USER,
    FAKE_VMRUN_PASSWORD: GUEST_PASSWORD,
    FAKE_VMRUN_POWER_ON_SECONDS: String(o.powerOnSeconds ?? 0),
  };
  const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  return {
    dir,
    env,
    calls: () => lines(log).map((l) => l.replace(/\t$/, '').split('\t')),
    started: () => lines(join(state, 'containers')),
    kept: (name) => (existsSync(join(state, name)) ? readFileSync(join(state, name), 'utf8') : undefined),
    machines() {
      const rows = execFileSync('docker', ['ps', '-a', '--no-trunc', '--filter', `label=${LABEL}`, '--format', '{{.ID}} {{.Label "bakehouse.vmx"}}'], { encoding: 'utf8' });
      return rows
        .split('\n')
        .filter((r) => r.includes(` ${root}/`))
        .map((r) => r.split(' ')[0]!);
    },
    remove() {
      for (const id of this.machines()) execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `bakehouse build template.pkr.hcl` in its own process, in the fake's folder and with its environment. */
export function startBuild(fake: FakeVmrun, template: string, args: string[] = []): Running {
  writeFileSync(join(fake.dir, 'template.pkr.hcl'), template);
  const child = spawn(process.execPath, ['--import', TSX_LOADER, RUNNER, ...args, 'template.pkr.hcl'], {
    cwd: fake.dir,
    env: { ...process.env, ...fake.env, BAKEHOUSE_DATA_DIR: join(fake.dir, '..', 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}
