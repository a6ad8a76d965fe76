import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { containerName, removeContainerRecord, writeContainerRecord } from '../../../core/builders/docker/leftovers';
import { cleanupCommand } from '../../../core/cli/commands/cleanup';
import { parseFlags } from '../../../core/cli/flags';
import { BASE_IMAGE, containersOf, docker, requireDocker, runBuild, TINY_IMAGE, tempDirsOf, workDir } from './harness';

async function cleanup(argv: string[], env: Record<string, string | undefined> = process.env): Promise<{ code: number; out: string; err: string }> {
  const parsed = parseFlags(argv, cleanupCommand.flags);
  assert.ok(parsed.ok);
  let out = '';
  let err = '';
  const code = await cleanupCommand.run(parsed.value, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    stdin: Readable.from([]),
    stdinIsTTY: false,
    env,
    cwd: process.cwd(),
    color: false,
  });
  return { code, out, err };
}

/** A container as a build makes it: named after the run, with its record in the data folder. */
function leftover(runId: string, pid: number, random: string): string {
  const name = containerName(runId, random);
  writeContainerRecord(process.env, name, { runId, build: 'docker.left', pid, host: hostname() });
  docker('create', '--name', name, BASE_IMAGE, '/bin/true');
  return name;
}

test('cleanup removes containers of dead runs (and their temp folders), keeps live ones unless -all', async () => {
  requireDocker();
  const runId = randomUUID();
  const dead = leftover(runId, 2 ** 22 + 12345, 'dead0000');
  const live = leftover(runId, process.pid, '11fe0000');
  // Made by an older version: the run in labels.
  const legacy = `bakehouse-legacy-${runId.slice(0, 8)}`;
  docker('create', '--name', legacy, '--label', `bakehouse.run-id=${runId}`, '--label', `bakehouse.pid=${2 ** 22 + 12345}`, '--label', `bakehouse.host=${hostname()}`, '--label', 'bakehouse.build=docker.old', BASE_IMAGE, '/bin/true');
  const tmp = join(tmpdir(), `bakehouse-docker-${runId.slice(0, 8)}-abcd`);
  mkdirSync(tmp);
  try {
    const dry = await cleanup(['-run-id', runId, '-dry-run']);
    assert.equal(dry.code, 0);
    assert.match(dry.out, new RegExp(`Would remove container ${dead} \\(build docker.left, run ${runId}\\)`));
    assert.match(dry.out, new RegExp(`Would remove container ${legacy} \\(build docker.old, run ${runId}\\)`));
    assert.equal(containersOf(runId).length, 2);

    const r = await cleanup(['-run-id', runId]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`Removed container ${dead} `));
    assert.match(r.out, new RegExp(`Removed container ${legacy} `));
    assert.match(r.out, new RegExp(`Skipped container ${live} .*: its run \\(process ${process.pid}\\) is still going; use -all to remove it anyway`));
    assert.equal(containersOf(runId).length, 1);
    assert.equal(existsSync(tmp), false);

    const all = await cleanup(['-run-id', runId, '-all']);
    assert.match(all.out, new RegExp(`Removed container ${live} `));
    assert.deepEqual(containersOf(runId), []);
    assert.equal((await cleanup(['-run-id', runId])).out, 'Nothing to clean up.\n');
  } finally {
    for (const id of containersOf(runId)) docker('rm', '-f', id);
    spawnSync('docker', ['rm', '-f', legacy]);
    for (const name of [dead, live]) removeContainerRecord(process.env, name);
  }
});

test('a container named like a build\'s but with no record here is only removed with -all', async () => {
  requireDocker();
  const runId = randomUUID();
  const name = containerName(runId, 'a0a0a0a0');
  docker('create', '--name', name, BASE_IMAGE, '/bin/true');
  try {
    const r = await cleanup(['-run-id', runId]);
    assert.match(r.out, new RegExp(`Skipped container ${name} .*: there is no record of its run here`));
    assert.equal(containersOf(runId).length, 1);
    assert.match((await cleanup(['-run-id', runId, '-all'])).out, new RegExp(`Removed container ${name} `));
    assert.deepEqual(containersOf(runId), []);
  } finally {
    spawnSync('docker', ['rm', '-f', name]);
  }
});

test('cleanup with the daemon unreachable says so and exits 1', async () => {
  const r = await cleanup([], { ...process.env, DOCKER_HOST: 'unix:///tmp/bakehouse-no-such-docker.sock' });
  assert.equal(r.code, 1);
  assert.match(r.err, /^Error: Cannot connect to the Docker daemon at unix:\/\/\/tmp\/bakehouse-no-such-docker\.sock/);
});

test('-on-error=abort leaves the container and temp folder, reports how to remove them; cleanup -all removes both', async () => {
  requireDocker();
  const r = await runBuild({ builder: { image: TINY_IMAGE, discard: true }, provisioners: [['shell', { inline: ['exit 1'] }]] }, workDir(), { onError: 'abort' });
  try {
    const b = r.summary.builds[0];
    assert.equal(b.result, 'failed');
    const left = b.leftBehind.map((l) => `${l.step}: ${l.description} (${l.howToRemove})`);
    assert.equal(left.length, 2, left.join('\n'));
    assert.match(left[0], /^StepRun: container (bakehouse-[0-9a-f]{8}-[0-9a-f]{8}) \(docker rm -f \1\)$/);
    assert.match(left[1], /^StepTempDir: temporary folder (\S+) \(rm -rf \1\)$/);
    assert.equal(containersOf(r.runId).length, 1);
    assert.equal(tempDirsOf(r.runId).length, 1);
    // This test's own process made it and is alive, so only -all takes it.
    const c = await cleanup(['-run-id', r.runId, '-all']);
    assert.equal(c.code, 0, c.err);
    assert.deepEqual(containersOf(r.runId), []);
    assert.deepEqual(tempDirsOf(r.runId), []);
  } finally {
    for (const id of containersOf(r.runId)) docker('rm', '-f', id);
    for (const d of tempDirsOf(r.runId)) rmSync(join(tmpdir(), d), { recursive: true, force: true });
  }
});
