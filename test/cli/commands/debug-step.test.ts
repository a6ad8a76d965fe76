/** `bakehouse build -debug-step=NAME`, and "open a shell" at a paused build's question on a terminal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../../core/cli/command';
import { buildCommand, runBuildCommand } from '../../../core/cli/commands/build';
import { parseFlags } from '../../../core/cli/flags';
import type { CliTerminal } from '../../../core/cli/ui/shell';
import { BASE_IMAGE, requireDocker } from '../../builders/docker/harness';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bakehouse build` on `template` (file name → text), typing each answer once the output so far matches its
 * pattern (in order); `tty` makes standard input count as a terminal, as the shell needs.
 */
async function build(files: Record<string, string>, argv: string[], script: Array<[RegExp, string]>, tty: boolean | CliTerminal = false): Promise<Ran> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-debug-step-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const parsed = parseFlags([...argv, join(dir, Object.keys(files)[0])], buildCommand.flags);
  assert.ok(parsed.ok);
  const stdin = new PassThrough();
  let stdout = '';
  let stderr = '';
  let typedAt = 0;
  const react = () => {
    const next = script[0];
    if (!next || !next[0].test(stdout.slice(typedAt))) return;
    script.shift();
    typedAt = stdout.length;
    setTimeout(() => {
      stdin.write(next[1]);
      react();
    }, 20);
  };
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
      react();
    },
    stderr: (t) => void (stderr += t),
    stdin,
    stdinIsTTY: tty !== false,
    tty: typeof tty === 'object' ? tty : undefined,
    env: { ...process.env, BAKEHOUSE_DATA_DIR: join(dir, 'data') },
    cwd: dir,
    color: false,
  };
  const code = await runBuildCommand(parsed.value, io, { signals: new EventEmitter() });
  assert.deepEqual(script, [], `not every answer was asked for; output:\n${stdout}\n${stderr}`);
  return { code, stdout, stderr };
}

const nullTemplate = `
source "null" "n" {
  communicator = "none"
}
build {
  sources = ["source.null.n"]
  provisioner "shell-local" {
    name   = "first"
    inline = ["echo ran first"]
  }
  provisioner "shell-local" {
    name   = "second"
    inline = ["echo ran second"]
  }
  provisioner "shell-local" {
    inline = ["echo ran third"]
  }
  post-processor "shell-local" {
    name   = "notify"
    inline = ["echo ran notify"]
  }
}
`;

test('-debug-step pauses before the named step; s steps to the next one, c continues to the end', async () => {
  const ran = await build({ 'n.pkr.hcl': nullTemplate }, ['-debug-step=second'], [
    [/\[c\] Continue, \[s\] step/, 's\n'],
    [/\[c\] Continue, \[s\] step/, '\n'],
  ]);
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  const out = ran.stdout;
  const order = ['null.n: ran first', 'Paused before provisioner "second" (shell-local) at a breakpoint.', 'null.n: ran second', 'Paused before provisioner shell-local.', 'null.n: ran third', 'null.n (shell-local): ran notify'];
  const at = order.map((t) => out.indexOf(t));
  assert.ok(at.every((i, n) => i >= 0 && (n === 0 || i > at[n - 1])), `${JSON.stringify(at)}\n${out}`);
  assert.equal(out.match(/Paused before/g)?.length, 2);
  assert.ok(!out.includes('[o] Open a shell'), 'no shell without a terminal, nor for a build without a machine');
});

test('a at a pause aborts the build: nothing after it runs and the build fails', async () => {
  const ran = await build({ 'n.pkr.hcl': nullTemplate }, ['-debug-step=notify', '-debug-step=sec*'], [[/\[c\] Continue/, 'a\n']]);
  assert.equal(ran.code, 1);
  assert.match(ran.stdout, /==> null.n: Aborted before provisioner "second" \(shell-local\)\./);
  assert.ok(!ran.stdout.includes('ran second') && !ran.stdout.includes('ran notify'));
  assert.match(ran.stdout, /Build 'null.n' errored after [^:]+: Build was cancelled\./);
});

test('a -debug-step naming no step fails before anything runs, listing the names there are', async () => {
  const ran = await build({ 'n.pkr.hcl': nullTemplate }, ['-debug-step=secnod'], []);
  assert.equal(ran.code, 1);
  assert.equal(
    ran.stderr,
    'bakehouse build: -debug-step=secnod: no provisioner or post-processor of the builds to run is called that (a step is named by its name, or its type when unnamed: first, second, shell-local, notify)\n',
  );
  assert.ok(!ran.stdout.includes('ran first'));
});

const dockerTemplate = (provisioners: string) => `
source "docker" "box" {
  image   = "${BASE_IMAGE}"
  pull    = false
  discard = true
}
build {
  sources = ["source.docker.box"]
${provisioners}
}
`;

test('on a terminal, o at a pause opens a shell in the container, in raw mode and the window\'s size; exit brings the question back', async () => {
  requireDocker();
  const raw: boolean[] = [];
  const tty: CliTerminal = { size: () => ({ cols: 101, rows: 33 }), onResize: () => () => undefined, setRawMode: (r) => void raw.push(r) };
  const ran = await build(
    { 'b.pkr.hcl': dockerTemplate(`  provisioner "shell" {\n    name   = "look"\n    inline = ["echo looked"]\n  }`) },
    ['-debug-step=look'],
    [
      [/\[o\] Open a shell/, 'o\n'],
      [/type exit to come back/, 'stty size; cat /etc/os-release\r'],
      [/VERSION_CODENAME=bookworm/, 'exit\r'],
      [/The shell ended\.[\s\S]*\[o\] Open a shell/, 'c\n'],
    ],
    tty,
  );
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  assert.match(ran.stdout, /^33 101\r?$/m);
  assert.deepEqual(raw, [true, false], 'raw mode for the shell, cooked again for the question');
  assert.match(ran.stdout, /PRETTY_NAME="Debian GNU\/Linux 12 \(bookworm\)"/);
  assert.ok(ran.stdout.indexOf('VERSION_CODENAME') < ran.stdout.indexOf('docker.box: looked'));
});

test('-on-error=ask on a terminal offers a shell at the failed step, then retries after the fix made in it', async () => {
  requireDocker();
  const ran = await build(
    { 'b.pkr.hcl': dockerTemplate(`  provisioner "shell" {\n    inline = ["cat /etc/fixed"]\n  }`) },
    ['-on-error=ask'],
    [
      [/\[o\] Open a shell/, 'o\n'],
      [/type exit to come back/, 'echo fixed-by-hand > /etc/fixed; exit\r'],
      [/The shell ended\.[\s\S]*\[o\] Open a shell/, 'r\n'],
    ],
    true,
  );
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  assert.match(ran.stdout, /\[c\] Clean up and exit, \[a\] abort without cleanup, or \[r\] retry step/);
  assert.match(ran.stdout, /docker.box: fixed-by-hand/);
});
