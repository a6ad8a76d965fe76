/**
 * A provisioner that prints a million lines, through the real CLI and daemon: the build succeeds, the run log holds every
 * line in order, and the CLI's memory stays bounded (stdout goes to a file, so nothing upstream slows it down).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { assertNothingLeft, BIN, requireBuiltCli, requireDocker, runIdOf, runLogOf, sandbox, TINY_IMAGE } from './harness';

const LINES = 1_000_000;
const RSS_LIMIT_KB = 300 * 1024;

/** Counts the lines `kind: output` events carry, checking they are 1..n in order. */
async function outputEvents(path: string): Promise<{ count: number; outOfOrder: number }> {
  let count = 0;
  let outOfOrder = 0;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const l of lines) {
    if (!l.includes('"kind":"output"')) continue;
    const m = /"line":"(\d+)"/.exec(l);
    if (!m) continue;
    count++;
    if (Number(m[1]) !== count) outOfOrder++;
  }
  return { count, outOfOrder };
}

test(`a provisioner printing ${LINES.toLocaleString('en')} lines: the build succeeds, the run log has every line, memory stays bounded`, async (t) => {
  requireDocker();
  requireBuiltCli();
  const s = sandbox(`source "docker" "x" {
  image   = "${TINY_IMAGE}"
  pull    = false
  discard = true
}

build {
  sources = ["source.docker.x"]
  provisioner "shell" {
    inline = ["seq ${LINES}"]
  }
}
`);
  const stdoutPath = join(s.root, 'stdout.txt');
  const fd = openSync(stdoutPath, 'w');
  let r;
  try {
    r = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, 'build', 'build.pkr.hcl'], {
      cwd: s.work,
      env: s.env,
      stdio: ['ignore', fd, 'pipe'],
      encoding: 'utf8',
      timeout: 150_000,
    });
  } finally {
    closeSync(fd);
  }
  assert.equal(r.status, 0, `exit code; stderr:\n${r.stderr.slice(-3000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  assert.ok(rss, r.stderr);
  const peakKb = Number(rss[1]);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(r.stderr)?.[1];
  // The figure is for the report; the assertion is the bound.
  t.diagnostic(`peak RSS of the CLI: ${(peakKb / 1024).toFixed(1)} MB; wall clock ${wall}`);
  assert.ok(peakKb < RSS_LIMIT_KB, `peak RSS ${(peakKb / 1024).toFixed(1)} MB`);

  const logged = await outputEvents(runLogOf(s));
  assert.deepEqual(logged, { count: LINES, outOfOrder: 0 }, 'every line is in the run log, in order');
  const shown = spawnSync('grep', ['-c', '^    docker\\.x: [0-9]*$', stdoutPath], { encoding: 'utf8' });
  assert.equal(Number(shown.stdout.trim()), LINES, 'every line is on stdout');
  assertNothingLeft(s, runIdOf(s));
});
