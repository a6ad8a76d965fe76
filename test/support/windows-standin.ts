/**
 * A Linux machine standing in for Windows with OpenSSH, for the powershell and windows-restart tests: an sshd container
 * (local/sshd:bookworm, user `ubuntu`, key login) whose login shell records every command exactly as the client sent it,
 * with small stand-ins on PATH for what those provisioners call:
 * - `powershell` (also `powershell.exe`, `pwsh`) records its arguments and keeps a copy of the .ps1 files it is given
 *   (the script and the variables file it dot-sources), prints the script's `Write-Output "…"` lines, carries out the
 *   cleanup script's `Remove-Item`s, and exits with the script's first `exit <number>`. `-EncodedCommand` is decoded:
 *   Packer's "restarted." echo answers with the host name, `Test-Path` with False (True once after `registryPending`).
 * - `shutdown`: `/r … /t 0` asks the machine to restart; the `packer restart test` probe is refused with 1 while a restart
 *   is under way — what Packer expects over SSH (Windows' own 1190 cannot pass a Linux exit status) — and `/a` aborts.
 * A restart is real: a second after `shutdown /r` (as Windows takes a moment to go down, so the probe that follows is
 * answered) the container's first process kills sshd and every session, waits `downtime` seconds (refusing
 * connections), and starts sshd again. Windows paths like `c:/Windows/Temp/x.ps1` are relative, so they land in the
 * home folder, where `c:/Windows/Temp` exists.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSshdImage, SSHD_IMAGE } from './ec2-instance';
import { freePort } from './sshd';

export const STANDIN_USER = 'ubuntu';
const LABEL = 'bakehouse-test=windows-standin';

const RECORD_SHELL = `#!/bin/sh
# sshd runs every command as: <login shell> -c "<command>". Copies (scp, sftp) are not recorded.
if [ "$1" = "-c" ]; then
  case "$2" in
    "scp "*|*sftp-server*) ;;
    *) printf '%s' "$2" | base64 -w0 >> /standin/commands.log; echo >> /standin/commands.log ;;
  esac
  PATH=/standin/bin:$PATH; export PATH
  exec /bin/sh -c "$2"
fi
exec /bin/sh "$@"
`;

const POWERSHELL = `#!/bin/bash
{ for a in "$@"; do printf '%s' "$a" | base64 -w0; printf ' '; done; echo; } >> /standin/powershell.log
keep() { [ -f "$1" ] && cp "$1" "/standin/files/$(basename "$1")"; }
all="$*"
if [ "$1" = "-EncodedCommand" ]; then
  text=$(printf '%s' "$2" | base64 -d | iconv -f UTF-16LE -t UTF-8)
  case "$text" in
    *GetHostName*) echo "$(hostname) restarted." ;;
    *Test-Path*) if [ -e /standin/registry-pending ]; then rm -f /standin/registry-pending; echo True; else echo False; fi ;;
  esac
  exit 0
fi
script=""; vars=""
prev=""
for a in "$@"; do [ "$prev" = "-file" ] && script="$a"; prev="$a"; done
if [ -z "$script" ]; then
  script=$(printf '%s' "$all" | sed -n "s/.*&'\\([^']*\\)'.*/\\1/p")
  vars=$(printf '%s' "$all" | sed -n 's/.*; *\\. \\([^;]*\\);.*/\\1/p')
fi
[ -n "$vars" ] && keep "$vars"
keep "$script" || { echo "no script: $all" >&2; exit 97; }
# Read first: a cleanup script removes itself.
body=$(cat "$script")
n=$(printf '%s\\n' "$body" | grep -m1 -oE '^[[:space:]]*exit [0-9]+' | grep -oE '[0-9]+')
while IFS= read -r line; do
  case "$line" in
    *Write-Output\\ *) out=\${line#*Write-Output }; out=\${out#\\"}; echo "\${out%\\"}" ;;
    *"if (Test-Path "*) f=\${line#*Test-Path }; rm -f "\${f%%)*}" ;;
  esac
done <<< "$body"
exit \${n:-0}
`;

const SHUTDOWN = `#!/bin/sh
echo "$*" >> /standin/shutdown.log
case "$*" in
  *"packer restart test"*) [ -e /standin/restart-requested ] && exit 1; exit 0 ;;
  "/a") exit 0 ;;
  *"/r"*) touch /standin/restart-requested; exit 0 ;;
  *) exit 1 ;;
esac
`;

/** The container's first process: sshd until a restart is asked for, then down for `downtime` seconds, then sshd again. */
function supervisor(port: number): string {
  return `#!/bin/sh
usermod -s /standin/bin/record-shell ${STANDIN_USER}
mkdir -p "/home/${STANDIN_USER}/c:/Windows/Temp" && chown -R ${STANDIN_USER} "/home/${STANDIN_USER}/c:"
while :; do
  /usr/sbin/sshd -D -e -p ${port} -o ListenAddress=127.0.0.1 -o AuthorizedKeysFile=/standin/authorized_keys \\
    -o StrictModes=no -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no -o LogLevel=ERROR &
  while [ ! -e /standin/restart-requested ]; do sleep 0.1; done
  sleep 1
  echo "$(date +%s.%N)" >> /standin/restarts.log
  for c in /proc/[0-9]*/comm; do [ "$(cat "$c" 2>/dev/null)" = sshd ] && p=\${c#/proc/} && kill -9 "\${p%/comm}" 2>/dev/null; done
  echo '-- restart --' >> /standin/commands.log
  sleep "$(cat /standin/downtime)"
  rm -f /standin/restart-requested
done
`;
}

export interface WindowsStandin {
  port: number;
  /** The private key that logs in as `ubuntu`. */
  keyFile: string;
  /** Every command sent over SSH, in order, exactly as sent; a restart shows as `-- restart --`. */
  commands(): string[];
  /** Each `powershell` call's arguments. */
  powershellCalls(): string[][];
  /** The .ps1 files `powershell` was given, by file name, as they were when it ran. */
  ranFiles(): Map<string, string>;
  /** Files left in c:/Windows/Temp. */
  leftInTemp(): string[];
  shutdownCalls(): string[];
  restarts(): number;
  /** How long a restart keeps sshd down, in seconds (default 2). */
  setDowntime(seconds: number): void;
  registryPending(): void;
  /** Runs a shell command in the user's home folder, as root. */
  exec(command: string): string;
  /** Forgets what was recorded so far. */
  clear(): void;
  stop(): void;
}

export async function startWindowsStandin(): Promise<WindowsStandin> {
  ensureSshdImage();
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-windows-standin-'));
  chmodSync(dir, 0o777);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  mkdirSync(join(dir, 'files'), { mode: 0o777 });
  chmodSync(join(dir, 'files'), 0o777);
  writeFileSync(join(bin, 'record-shell'), RECORD_SHELL, { mode: 0o755 });
  for (const name of ['powershell', 'powershell.exe', 'pwsh']) writeFileSync(join(bin, name), POWERSHELL, { mode: 0o755 });
  writeFileSync(join(bin, 'shutdown'), SHUTDOWN, { mode: 0o755 });
  const port = await freePort();
  writeFileSync(join(dir, 'supervisor'), supervisor(port), { mode: 0o755 });
  const logs = ['commands.log', 'powershell.log', 'shutdown.log', 'restarts.log'];
  for (const log of logs) writeFileSync(join(dir, log), '', { mode: 0o666 });
  for (const log of logs) chmodSync(join(dir, log), 0o666);
  writeFileSync(join(dir, 'downtime'), '2\n', { mode: 0o644 });
  const keyFile = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile], { stdio: 'ignore' });
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${keyFile}.pub`), { mode: 0o644 });
  const id = execFileSync('docker', ['run', '-d', '--rm', '--init', '--label', LABEL, '--network', 'host', '-v', `${dir}:/standin`, SSHD_IMAGE, '/standin/supervisor'], {
    encoding: 'utf8',
  }).trim();
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');
  const lines = (name: string) => read(name).split('\n').filter((l) => l !== '');
  const exec = (command: string) => execFileSync('docker', ['exec', id, 'sh', '-c', command], { encoding: 'utf8' });
  await waitListening(exec, port);
  return {
    port,
    keyFile,
    commands: () => lines('commands.log').map((l) => (l.startsWith('--') ? l : Buffer.from(l, 'base64').toString('utf8'))),
    powershellCalls: () => lines('powershell.log').map((l) => l.trim().split(' ').map((a) => Buffer.from(a, 'base64').toString('utf8'))),
    ranFiles: () => new Map(readdirSync(join(dir, 'files')).map((f) => [f, readFileSync(join(dir, 'files', f), 'utf8')])),
    leftInTemp: () => exec(`ls -1 "/home/${STANDIN_USER}/c:/Windows/Temp"`).split('\n').filter(Boolean),
    shutdownCalls: () => lines('shutdown.log'),
    restarts: () => lines('restarts.log').length,
    setDowntime: (seconds) => writeFileSync(join(dir, 'downtime'), `${seconds}\n`),
    registryPending: () => writeFileSync(join(dir, 'registry-pending'), ''),
    exec: (command) => exec(`cd /home/${STANDIN_USER} && ${command}`),
    clear: () => {
      for (const log of logs) writeFileSync(join(dir, log), '');
      exec('rm -f /standin/files/*');
    },
    stop: () => {
      try {
        execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** sshd is up once something listens on the port inside the container (the usermod before it takes a moment). */
async function waitListening(exec: (command: string) => string, port: number): Promise<void> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (let i = 0; i < 100; i++) {
    if (exec('cat /proc/net/tcp').includes(`:${hex} 00000000:0000 0A`)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the Windows stand-in's sshd did not start listening on ${port}`);
}
