import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buildCommand, runBuildCommand } from '../../../core/cli/commands/build';
import { parseFlags } from '../../../core/cli/flags';

const TEMPLATE = `source "null" "x" {
  communicator = "none"
}

build {
  sources = ["source.null.x"]
  hcp_packer_registry {
    bucket_name = "my-images"
    build_labels = { os = "none" }
  }
}
`;

async function build(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-build-hcp-'));
  writeFileSync(join(dir, 't.pkr.hcl'), TEMPLATE);
  const parsed = parseFlags([join(dir, 't.pkr.hcl')], buildCommand.flags);
  assert.ok(parsed.ok);
  let stdout = '';
  let stderr = '';
  const code = await runBuildCommand(
    parsed.value,
    {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      stdin: new PassThrough(),
      stdinIsTTY: false,
      env: { PATH: process.env.PATH, BAKEHOUSE_DATA_DIR: join(dir, 'data'), ...env },
      cwd: dir,
      color: false,
    },
    { signals: new EventEmitter() },
  );
  return { code, stdout, stderr };
}

test('with HCP credentials set, build warns that publishing to HCP Packer is not supported yet, and still builds', async () => {
  const r = await build({ HCP_CLIENT_ID: 'id', HCP_CLIENT_SECRET: 'secret' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Warning: publishing to HCP Packer is not supported yet/);
  assert.match(r.stdout, /bucket "my-images"/);
  assert.ok(!r.stdout.includes('secret'), 'the secret is never printed');
  assert.match(r.stdout, /Builds finished/);
});

test('without HCP credentials (or with HCP_PACKER_REGISTRY=off) the registry block builds silently', async () => {
  const envs: Array<Record<string, string>> = [{}, { HCP_CLIENT_ID: 'id', HCP_PACKER_REGISTRY: 'off' }];
  for (const env of envs) {
    const r = await build(env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('HCP Packer'), r.stdout);
  }
});
