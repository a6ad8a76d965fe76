import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../../core/cli/command';
import { buildCommand, runBuildCommand } from '../../../core/cli/commands/build';
import { parseFlags } from '../../../core/cli/flags';
import { TSX_LOADER } from '../../support/tsx';

const PACKER = '/usr/bin/packer';
// In CI a missing reference fails the test instead of skipping it (.ci/run installs Packer).
const noPacker = !existsSync(PACKER) && !process.env.CI && 'packer 1.6.6 is not installed';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function folder(template: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-build-cmd-'));
  writeFileSync(join(dir, 't.json'), JSON.stringify(template));
  return dir;
}

async function bakehouse(dir: string, argv: string[], extra: { stdin?: PassThrough; signals?: EventEmitter; onStdout?: (t: string) => void } = {}): Promise<Ran> {
  const parsed = parseFlags([...argv, join(dir, 't.json')], buildCommand.flags);
  assert.ok(parsed.ok);
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
      extra.onStdout?.(t);
    },
    stderr: (t) => void (stderr += t),
    stdin: extra.stdin ?? new PassThrough(),
    stdinIsTTY: false,
    env: { ...process.env, BAKEHOUSE_DATA_DIR: join(dir, 'data') },
    cwd: dir,
    color: false,
  };
  const code = await runBuildCommand(parsed.value, io, { signals: extra.signals ?? new EventEmitter() });
  return { code, stdout, stderr };
}

function packer(dir: string, argv: string[]): Ran {
  const r = spawnSync(PACKER, ['build', ...argv, 't.json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** What differs between any two runs: temp script names, durations, times and run ids. */
function normalise(s: string): string {
  return s
    .replace(/packer-shell\d+/g, 'packer-shellN')
    .replace(/(after|errored after) [^:.\n]*(\d+ (micro|milli)?seconds?)[^:\n]*?(?=[.:\n])/g, '$1 D')
    .replace(/^\d{10},/gm, 'T,')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID');
}

const SIMPLE = {
  builders: [{ type: 'null', communicator: 'none' }],
  provisioners: [{ type: 'shell-local', inline: ['echo one', 'echo "$PACKER_BUILD_NAME $PACKER_BUILDER_TYPE"'] }],
  'post-processors': [
    [
      { type: 'shell-local', inline: ['echo x > f.txt'] },
      { type: 'artifice', files: ['f.txt'] },
      { type: 'checksum', checksum_types: ['sha256'] },
    ],
  ],
};

test('build prints what Packer 1.6.6 prints for the same template', { skip: noPacker }, async () => {
  const ours = await bakehouse(folder(SIMPLE), ['-color=false']);
  const theirs = packer(folder(SIMPLE), ['-color=false']);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(normalise(ours.stdout), normalise(theirs.stdout));
});

test('-machine-readable prints the lines Packer 1.6.6 prints', { skip: noPacker }, async () => {
  const ours = await bakehouse(folder(SIMPLE), ['-machine-readable']);
  const theirs = packer(folder(SIMPLE), ['-machine-readable']);
  // Packer also logs its own version and template facts up front; compare from the first build line on.
  const fromBuild = (s: string) => normalise(s).slice(normalise(s).indexOf('T,,ui,'));
  assert.equal(fromBuild(ours.stdout), fromBuild(theirs.stdout));
});

const FAILING = {
  builders: [{ type: 'null', communicator: 'none' }],
  provisioners: [{ type: 'shell-local', inline: ['echo about to fail', 'exit 2'] }],
};

test('a failing build exits 1 and lists its error as Packer does', { skip: noPacker }, async () => {
  const ours = await bakehouse(folder(FAILING), ['-color=false']);
  const theirs = packer(folder(FAILING), ['-color=false']);
  assert.equal(ours.code, 1);
  assert.equal(theirs.code, 1);
  assert.equal(normalise(ours.stdout), normalise(theirs.stdout));
});

test('an interrupt cancels the build, stops its command and exits 1', async () => {
  const dir = folder({
    builders: [{ type: 'null', communicator: 'none' }],
    provisioners: [{ type: 'shell-local', inline: ['echo started', 'sleep 30'] }],
  });
  const signals = new EventEmitter();
  const started = Date.now();
  const ran = await bakehouse(dir, [], { signals, onStdout: (t) => t.includes('started') && setTimeout(() => signals.emit('SIGINT'), 10) });
  assert.equal(ran.code, 1);
  assert.ok(Date.now() - started < 10_000);
  assert.match(ran.stderr, /Interrupt received/);
  assert.match(ran.stderr, /Cleanly cancelled builds after being interrupted/);
  assert.match(ran.stdout, /Build 'null' errored after [^:]+: Build was cancelled\./);
  assert.equal(signals.listenerCount('SIGINT'), 0, 'signal handlers removed');
});

test('a breakpoint waits for Enter on standard input', async () => {
  const dir = folder({
    builders: [{ type: 'null', communicator: 'none' }],
    provisioners: [{ type: 'breakpoint', note: 'look now' }, { type: 'shell-local', inline: ['echo after'] }],
  });
  const stdin = new PassThrough();
  let sawPrompt = false;
  const ran = await bakehouse(dir, [], {
    stdin,
    onStdout: (t) => {
      if (t.includes('Press enter to continue.')) {
        sawPrompt = true;
        setTimeout(() => stdin.write('\n'), 20);
      }
    },
  });
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  assert.ok(sawPrompt);
  assert.ok(ran.stdout.indexOf('Pausing at breakpoint provisioner with note "look now".') < ran.stdout.indexOf('null: after'));
});

test('-on-error=ask retries the failed step when the user answers r', async () => {
  const dir = folder({
    builders: [{ type: 'null', communicator: 'none' }],
    provisioners: [{ type: 'shell-local', inline: ['if [ -f once ]; then echo second try; else touch once; exit 1; fi'] }],
  });
  const stdin = new PassThrough();
  const ran = await bakehouse(dir, ['-on-error=ask'], {
    stdin,
    onStdout: (t) => t.includes('[c] Clean up and exit') && setTimeout(() => stdin.write('r\n'), 10),
  });
  assert.equal(ran.code, 0, ran.stdout);
  assert.match(ran.stdout, /==> null: Step "StepProvision" failed/);
  assert.match(ran.stdout, /null: second try/);
});

test('bad flags and unknown plugins are reported before anything runs', async () => {
  const dir = folder({ builders: [{ type: 'null', communicator: 'none' }], provisioners: [{ type: 'nonexistent' }] });
  const bad = await bakehouse(dir, ['-on-error=explode']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /-on-error has to be one of: cleanup, abort, ask, run-cleanup-provisioner/);
  const unknown = await bakehouse(dir, []);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stdout + unknown.stderr, /nonexistent/);
  assert.ok(!unknown.stdout.includes('Running local shell script'));
});

test('SIGTERM to a real bakehouse process cancels the build, kills its commands and exits 1', async () => {
  const dir = folder({
    builders: [{ type: 'null', communicator: 'none' }],
    provisioners: [{ type: 'shell-local', inline: ['echo $$ > shell.pid', 'echo started', 'sleep 30'] }],
  });
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(__dirname, 'build-runner.ts'), 't.json'], {
    cwd: dir,
    env: { ...process.env, BAKEHOUSE_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (!sent && out.includes('null: started')) {
      sent = true;
      child.kill('SIGTERM');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 1, out);
  assert.match(out, /Build 'null' errored after [^:]+: Build was cancelled\./);
  const shellPid = Number(readFileSync(join(dir, 'shell.pid'), 'utf8'));
  await new Promise((r) => setTimeout(r, 100));
  let running = true;
  try {
    running = !/\) Z /.test(readFileSync(`/proc/${shellPid}/stat`, 'utf8'));
  } catch {
    running = false;
  }
  assert.equal(running, false, 'the provisioner shell is gone');
});

for (const policy of ['cleanup', 'abort', 'run-cleanup-provisioner']) {
  test(`-on-error=${policy} prints what Packer 1.6.6 prints`, { skip: noPacker }, async () => {
    const template = {
      builders: [{ type: 'null', communicator: 'none' }],
      provisioners: [{ type: 'shell-local', inline: ['exit 1'] }],
      'error-cleanup-provisioner': { type: 'shell-local', inline: ['echo cleaning'] },
    };
    const ours = await bakehouse(folder(template), ['-color=false', `-on-error=${policy}`]);
    const theirs = packer(folder(template), ['-color=false', `-on-error=${policy}`]);
    assert.equal(ours.code, theirs.code);
    assert.equal(normalise(ours.stdout), normalise(theirs.stdout));
  });
}

test('an HCL2 build prints what Packer 1.6.6 prints (build names, post-processor labels, PACKER_BUILD_NAME)', { skip: noPacker }, async () => {
  const hcl = `
variable "token" {
  type      = string
  default   = "s3cret-token"
  sensitive = true
}
source "null" "one" {
  communicator = "none"
}
build {
  name    = "b"
  sources = ["source.null.one"]
  provisioner "shell-local" {
    inline = ["echo token=\${var.token}", "echo \\"$PACKER_BUILD_NAME $PACKER_BUILDER_TYPE\\""]
  }
  post-processor "shell-local" {
    name   = "after"
    inline = ["echo done"]
  }
  post-processor "manifest" {
    output = "m.json"
  }
}
`;
  const dirs = [folder({}), folder({})];
  for (const d of dirs) writeFileSync(join(d, 't.pkr.hcl'), hcl);
  const parsed = parseFlags(['-color=false', join(dirs[0], 't.pkr.hcl')], buildCommand.flags);
  assert.ok(parsed.ok);
  let stdout = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stdout += t), stdin: new PassThrough(), stdinIsTTY: false, env: { ...process.env, BAKEHOUSE_DATA_DIR: join(dirs[0], 'data') }, cwd: dirs[0], color: false };
  assert.equal(await runBuildCommand(parsed.value, io, { signals: new EventEmitter() }), 0, stdout);
  const theirs = spawnSync(PACKER, ['build', '-color=false', 't.pkr.hcl'], { cwd: dirs[1], encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  assert.equal(normalise(stdout), normalise(theirs.stdout));
  const names = dirs.map((d) => JSON.parse(readFileSync(join(d, 'm.json'), 'utf8')).builds[0].name);
  assert.deepEqual(names, ['one', 'one']);
});

test('-only matching no build runs nothing and exits 0, as Packer does', { skip: noPacker }, async () => {
  const ours = await bakehouse(folder(SIMPLE), ['-color=false', '-only=nothing']);
  const theirs = packer(folder(SIMPLE), ['-color=false', '-only=nothing']);
  assert.equal(ours.code, 0);
  assert.equal(theirs.code, 0);
  assert.equal(normalise(ours.stdout), normalise(theirs.stdout));
});

const NAMED_PP = {
  builders: [{ type: 'null', communicator: 'none' }],
  'post-processors': [
    { type: 'shell-local', inline: ['echo unnamed'] },
    { type: 'shell-local', name: 'named', inline: ['echo named'] },
  ],
};

for (const except of ['named', 'shell-local']) {
  test(`-except=${except} skips post-processors by name, else type, as Packer does`, { skip: noPacker }, async () => {
    const ours = await bakehouse(folder(NAMED_PP), ['-color=false', `-except=${except}`]);
    const theirs = packer(folder(NAMED_PP), ['-color=false', `-except=${except}`]);
    assert.equal(normalise(ours.stdout), normalise(theirs.stdout));
  });
}

test('-debug pauses after each step and before each cleanup until Enter, as Packer does', async () => {
  const dir = folder({ builders: [{ type: 'null', communicator: 'none' }], provisioners: [{ type: 'shell-local', inline: ['echo hi'] }] });
  const stdin = new PassThrough();
  const ran = await bakehouse(dir, ['-debug'], {
    stdin,
    onStdout: (t) => t.includes('Press enter to continue.') && setTimeout(() => stdin.write('\n'), 5),
  });
  assert.equal(ran.code, 0, ran.stdout);
  const pauses = ran.stdout.split('\n').filter((l) => l.includes('Pausing'));
  assert.deepEqual(pauses, [
    "==> null: Pausing after run of step 'StepConnect'. Press enter to continue.",
    "==> null: Pausing after run of step 'StepProvision'. Press enter to continue.",
    "==> null: Pausing before cleanup of step 'StepProvision'. Press enter to continue.",
    "==> null: Pausing before cleanup of step 'StepConnect'. Press enter to continue.",
  ]);
  assert.ok(ran.stdout.startsWith('Debug mode enabled. Builds will not be parallelized.\n'));
});
