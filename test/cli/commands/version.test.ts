import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { runCli } from '../../../core/cli/main';
import pkg from '../../../package.json';

async function bakehouse(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: () => {},
    stdin: Readable.from([]),
    stdinIsTTY: false,
    env: {},
    cwd: process.cwd(),
    color: false,
  });
  return { code, stdout };
}

test('version shows Bakehouse\'s own version beside the Packer version whose templates it follows (today\'s, 1.14)', async () => {
  const r = await bakehouse(['version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `Bakehouse v${pkg.version} (compatible with Packer v1.14.3 templates)\n`);
});
