/**
 * A failing shell provisioner under each -on-error policy, through the real CLI and daemon. As in Packer: `cleanup` runs
 * the error-cleanup-provisioner and removes everything; `abort` leaves the container and temp folder and says how to remove
 * them; `run-cleanup-provisioner` runs the error-cleanup-provisioner inside the container, then aborts like `abort`;
 * `ask` asks on stdin. Whatever is left, `bakehouse cleanup` removes once the build's process is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNothingLeft, containersOf, docker, INTERRUPTED_EXIT, requireBuiltCli, requireDocker, runCli, runIdOf, sandbox, startCli, TINY_IMAGE, type Sandbox } from './harness';

/** Fails the first time only when `failOnce`, so a retry can succeed. */
function template(failOnce = false): string {
  const script = failOnce
    ? '"if [ -f /tmp/ran-once ]; then echo second-try-ok; else touch /tmp/ran-once; echo failing-now; exit 3; fi"'
    : '"echo failing-now", "exit 3"';
  return `source "docker" "x" {
  image   = "${TINY_IMAGE}"
  pull    = false
  discard = true
}

build {
  sources = ["source.docker.x"]
  provisioner "shell" {
    inline = [${script}]
  }
  error-cleanup-provisioner "shell" {
    inline = ["echo cleaning-inside $(cat /etc/hostname)"]
  }
}
`;
}

const FAILED = 'Script exited with non-zero exit status: 3.Allowed exit codes are: [0]';
const PROMPT = /ui,say,==> docker\.x: \[c\] Clean up and exit%!\(PACKER_COMMA\) \[a\] abort without cleanup%!\(PACKER_COMMA\) or \[r\] retry step/;

async function build(s: Sandbox, onError: string, answer?: string): Promise<{ code: number | null; out: string; runId: string }> {
  const cli = startCli(s, ['build', '-machine-readable', `-on-error=${onError}`, 'build.pkr.hcl']);
  try {
    if (answer !== undefined) {
      await cli.waitFor(PROMPT);
      cli.child.stdin?.write(`${answer}\n`);
    }
    const timer = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no exit within 60 s:\n${cli.stdout()}\n${cli.stderr()}`)), 60_000).unref());
    const r = await Promise.race([cli.exited, timer]);
    return { code: r.code, out: cli.stdout() + cli.stderr(), runId: runIdOf(s) };
  } finally {
    cli.child.kill('SIGKILL');
  }
}

/** The container's short id, as its hostname inside it. */
function shortIdOf(out: string): string {
  const m = /docker\.x: Container ID: ([0-9a-f]{12})/.exec(out);
  assert.ok(m, `the container was started:\n${out}`);
  return m[1];
}

function assertCleanedUp(s: Sandbox, r: { code: number | null; out: string; runId: string }): void {
  assert.equal(r.code, INTERRUPTED_EXIT, r.out);
  assert.match(r.out, /docker\.x: failing-now/);
  assert.ok(r.out.includes(`docker.x,error,${FAILED}`), r.out);
  assert.match(r.out, /docker\.x: Killing the container: [0-9a-f]{64}/);
  assert.doesNotMatch(r.out, /Left behind/);
  assertNothingLeft(s, r.runId);
}

/** The container and temp folder are left and listed with how to remove them; `bakehouse cleanup` then removes both. */
function assertLeftThenCleanedUp(s: Sandbox, r: { code: number | null; out: string; runId: string }): void {
  assert.equal(r.code, 1, r.out);
  const [container] = containersOf(r.runId);
  assert.ok(container, `the container is left:\n${r.out}`);
  const name = containerName(container);
  assert.ok(r.out.includes(`docker.x: Left behind because of -on-error (remove by hand):`), r.out);
  assert.ok(r.out.includes(`docker.x:   container ${name} — remove with: docker rm -f ${name}`), r.out);
  assert.match(r.out, new RegExp(`docker\\.x:   temporary folder (\\S+/bakehouse-docker-${r.runId.slice(0, 8)}-[0-9a-f]{8}) — remove with: rm -rf \\1`));
  assert.doesNotMatch(r.out, /Killing the container/);
  // Only this run's: other tests' builds may be running.
  const cleaned = runCli(s, ['cleanup', `-run-id=${r.runId}`]);
  assert.equal(cleaned.code, 0, cleaned.stderr);
  assert.equal(cleaned.stdout, `Removed container ${name} (build docker.x, run ${r.runId})\n`);
  assertNothingLeft(s, r.runId);
}

/** `docker ps` gives ids; the messages use names. */
function containerName(id: string): string {
  return docker('inspect', '-f', '{{.Name}}', id).replace(/^\//, '');
}

test('-on-error=cleanup: the error-cleanup-provisioner runs, then everything is removed', async () => {
  requireDocker();
  requireBuiltCli();
  const s = sandbox(template());
  const r = await build(s, 'cleanup');
  assert.ok(r.out.includes(`docker.x: cleaning-inside ${shortIdOf(r.out)}`), r.out);
  assertCleanedUp(s, r);
});

test('-on-error=abort: the container is left, the output says how to remove it, `bakehouse cleanup` removes it', async () => {
  requireDocker();
  requireBuiltCli();
  const s = sandbox(template());
  const r = await build(s, 'abort');
  assert.ok(r.out.includes('docker.x: Step "StepProvision" failed%!(PACKER_COMMA) aborting...'), r.out);
  assert.doesNotMatch(r.out, /cleaning-inside/);
  assertLeftThenCleanedUp(s, r);
});

test('-on-error=run-cleanup-provisioner: the error-cleanup-provisioner runs inside the container, which is then left as with abort', async () => {
  requireDocker();
  requireBuiltCli();
  const s = sandbox(template());
  const r = await build(s, 'run-cleanup-provisioner');
  assert.ok(r.out.includes(`docker.x: cleaning-inside ${shortIdOf(r.out)}`), r.out);
  assert.match(r.out, /Provisioning step had errors: Running the cleanup provisioner%!\(PACKER_COMMA\) if present\.\.\./);
  assertLeftThenCleanedUp(s, r);
});

test('-on-error=ask, answered c: cleans up', async () => {
  requireDocker();
  requireBuiltCli();
  const s = sandbox(template());
  const r = await build(s, 'ask', 'c');
  assertCleanedUp(s, r);
});

test('-on-error=ask, answered a: aborts, leaving the container for `bakehouse cleanup`', async () => {
  requireDocker();
  requireBuiltCli();
  const s = sandbox(template());
  const r = await build(s, 'ask', 'a');
  assertLeftThenCleanedUp(s, r);
});

test('-on-error=ask, answered r: the step runs again, and succeeds the second time', async () => {
  requireDocker();
  requireBuiltCli();
  const s = sandbox(template(true));
  const r = await build(s, 'ask', 'r');
  assert.match(r.out, /docker\.x: failing-now[\s\S]*docker\.x: second-try-ok/);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Build 'docker\.x' finished after/);
  assertNothingLeft(s, r.runId);
});
