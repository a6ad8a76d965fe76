/** The Docker daemon out of reach, through the real CLI: a clear error within 5 s, exit code 1, nothing made. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { assertNothingLeft, BIN, requireBuiltCli, runIdOf, sandbox, startCli, TINY_IMAGE } from './harness';

test('DOCKER_HOST pointing at a socket that does not exist: a clear error within 5 s, exit 1, nothing left', async () => {
  requireBuiltCli();
  const s = sandbox(`source "docker" "x" {
  image  = "${TINY_IMAGE}"
  pull   = false
  commit = true
}

build {
  sources = ["source.docker.x"]
  provisioner "shell" {
    inline = ["true"]
  }
}
`);
  const started = Date.now();
  const cli = startCli(s, ['build', 'build.pkr.hcl'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
  const timer = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`still running after 10 s: ${BIN}\n${cli.stdout()}\n${cli.stderr()}`)), 10_000).unref());
  const r = await Promise.race([cli.exited, timer]);
  const took = r.at - started;
  assert.ok(took < 5_000, `took ${took} ms`);
  assert.equal(r.code, 1, cli.stdout() + cli.stderr());
  const out = cli.stdout();
  const reason = /Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\.sock \(.*ENOENT.*\)\. Is the Docker daemon running\? Check DOCKER_HOST\./;
  assert.match(out, new RegExp(`Build 'docker\\.x' errored after .*: ${reason.source}`));
  assert.match(out, new RegExp(`--> docker\\.x: ${reason.source}`));
  assert.doesNotMatch(out, /Creating a temporary directory|Starting docker container/, 'nothing was started');
  assert.deepEqual(readdirSync(s.tmp), []);
  assertNothingLeft(s, runIdOf(s));
});
