/**
 * Packer's `run_command` is a `docker run` argument list; Bakehouse talks to the Engine API, so the flags are read
 * into container-create options. Flags that have no meaning for a build container are refused with a clear message.
 */
import { err, ok, type Result } from '../../common/result';

export const DEFAULT_RUN_COMMAND = ['-d', '-i', '-t', '--entrypoint=/bin/sh', '--', '{{.Image}}'];

export interface RunOptions {
  /** The run_command words with {{.Image}} filled in, for the log. */
  words: string[];
  image: string;
  entrypoint?: string[];
  cmd: string[];
  tty: boolean;
  openStdin: boolean;
  env: string[];
  user?: string;
  workdir?: string;
  hostname?: string;
  network?: string;
  labels: Record<string, string>;
  binds: string[];
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  devices: string[];
  tmpfs: string[];
  runtime?: string;
  platform?: string;
}

/** Flags taking a value, by every spelling `docker run` accepts. */
const VALUE_FLAGS: Record<string, string> = {
  '--entrypoint': 'entrypoint',
  '-e': 'env',
  '--env': 'env',
  '-u': 'user',
  '--user': 'user',
  '-w': 'workdir',
  '--workdir': 'workdir',
  '-h': 'hostname',
  '--hostname': 'hostname',
  '--network': 'network',
  '--net': 'network',
  '-l': 'label',
  '--label': 'label',
  '-v': 'volume',
  '--volume': 'volume',
  '--cap-add': 'cap-add',
  '--cap-drop': 'cap-drop',
  '--device': 'device',
  '--tmpfs': 'tmpfs',
  '--runtime': 'runtime',
  '--platform': 'platform',
  '--name': 'name',
};

/** Flags without a value: -d and --rm do not change a build container (it always runs detached and is always removed). */
const BOOL_FLAGS: Record<string, string> = {
  '-d': 'detach',
  '--detach': 'detach',
  '-i': 'interactive',
  '--interactive': 'interactive',
  '-t': 'tty',
  '--tty': 'tty',
  '--privileged': 'privileged',
  '--rm': 'rm',
  '--init': 'init',
};

export function parseRunCommand(args: readonly string[], image: string): Result<RunOptions> {
  const o: RunOptions = { words: [], image: '', cmd: [], tty: false, openStdin: false, env: [], labels: {}, binds: [], privileged: false, capAdd: [], capDrop: [], devices: [], tmpfs: [] };
  const words = args.map((a) => a.replace(/\{\{\s*\.Image\s*\}\}/g, image));
  o.words = words;
  let i = 0;
  const apply = (flag: string, value: string): string | undefined => {
    switch (VALUE_FLAGS[flag]) {
      case 'entrypoint':
        o.entrypoint = value === '' ? [] : [value];
        return;
      case 'env':
        o.env.push(value);
        return;
      case 'user':
        o.user = value;
        return;
      case 'workdir':
        o.workdir = value;
        return;
      case 'hostname':
        o.hostname = value;
        return;
      case 'network':
        o.network = value;
        return;
      case 'label': {
        const eq = value.indexOf('=');
        o.labels[eq < 0 ? value : value.slice(0, eq)] = eq < 0 ? '' : value.slice(eq + 1);
        return;
      }
      case 'volume':
        o.binds.push(value);
        return;
      case 'cap-add':
        o.capAdd.push(value);
        return;
      case 'cap-drop':
        o.capDrop.push(value);
        return;
      case 'device':
        o.devices.push(value);
        return;
      case 'tmpfs':
        o.tmpfs.push(value);
        return;
      case 'runtime':
        o.runtime = value;
        return;
      case 'platform':
        o.platform = value;
        return;
      case 'name':
        return 'run_command: --name is chosen by Bakehouse (it names the container so cleanup can find it); remove it';
    }
    return undefined;
  };
  while (i < words.length) {
    const w = words[i];
    if (w === '--') {
      i++;
      break;
    }
    if (!w.startsWith('-') || w === '-') break;
    const eq = w.indexOf('=');
    const flag = w.startsWith('--') && eq > 0 ? w.slice(0, eq) : w;
    if (flag in VALUE_FLAGS) {
      let value: string;
      if (w.startsWith('--') && eq > 0) value = w.slice(eq + 1);
      else if (i + 1 < words.length) value = words[++i];
      else return err(`run_command: flag ${flag} needs a value`);
      const problem = apply(flag, value);
      if (problem) return err(problem);
    } else if (flag in BOOL_FLAGS) {
      setBool(o, BOOL_FLAGS[flag]);
    } else if (/^-[a-zA-Z]{2,}$/.test(w) && [...w.slice(1)].every((c) => `-${c}` in BOOL_FLAGS)) {
      for (const c of w.slice(1)) setBool(o, BOOL_FLAGS[`-${c}`]);
    } else {
      return err(`run_command: the docker run flag ${flag} is not supported by Bakehouse's docker builder`);
    }
    i++;
  }
  if (i >= words.length) return err('run_command: no image given; end it with "{{.Image}}"');
  o.image = words[i];
  o.cmd = words.slice(i + 1);
  return ok(o);
}

function setBool(o: RunOptions, what: string): void {
  if (what === 'interactive') o.openStdin = true;
  else if (what === 'tty') o.tty = true;
  else if (what === 'privileged') o.privileged = true;
}

/** `--device /dev/x[:/dev/y[:rwm]]` as the Engine API's device mapping. */
export function deviceMapping(spec: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const [host, container, perms] = spec.split(':');
  return { PathOnHost: host, PathInContainer: container || host, CgroupPermissions: perms || 'rwm' };
}

/** `--tmpfs /run[:opts]` as the Engine API's tmpfs map entry. */
export function tmpfsEntry(spec: string): [string, string] {
  const colon = spec.indexOf(':');
  return colon < 0 ? [spec, ''] : [spec.slice(0, colon), spec.slice(colon + 1)];
}
