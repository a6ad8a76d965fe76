/**
 * The commands run data sources as Packer 1.14's do: validate checks them and runs them only with -evaluate-datasources;
 * inspect and console run them. Against a real HTTP server on a loopback port; the CLI runs in this process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../../core/cli/main';

async function cli(args: string[], cwd: string, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdin: Readable.from([input]), stdinIsTTY: false, env: {}, cwd, color: false });
  return { code, stdout, stderr };
}

test('validate runs no data source unless -evaluate-datasources; inspect and console run them', async () => {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/name') res.writeHead(200, { 'Content-Type': 'text/plain' }).end('from-http');
    else res.writeHead(500, { 'Content-Type': 'text/plain' }).end('broken');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const dir = mkdtempSync(join(tmpdir(), 'bakehouse-datasources-'));
    const template = (path: string): string =>
      `data "http" "name" {\n  url = "${base}${path}"\n}\nlocals {\n  name = upper(data.http.name.body)\n}\nsource "null" "n" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.n"]\n}\n`;
    writeFileSync(join(dir, 't.pkr.hcl'), template('/name'));

    assert.deepEqual(await cli(['validate', join(dir, 't.pkr.hcl')], dir), { code: 0, stdout: 'The configuration is valid.\n', stderr: '' });
    assert.deepEqual(requests, []);
    assert.equal((await cli(['validate', '-evaluate-datasources', join(dir, 't.pkr.hcl')], dir)).code, 0);
    assert.deepEqual(requests, ['/name']);
    assert.match((await cli(['inspect', join(dir, 't.pkr.hcl')], dir)).stdout, /local\.name: "FROM-HTTP"/);
    assert.equal((await cli(['console', join(dir, 't.pkr.hcl')], dir, 'local.name\n')).stdout, 'FROM-HTTP\n');

    writeFileSync(join(dir, 't.pkr.hcl'), template('/broken'));
    const failed = await cli(['validate', '-evaluate-datasources', join(dir, 't.pkr.hcl')], dir);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /Error: HTTP request error\. Response code: 500\n\n {2}on .*t\.pkr\.hcl line 1:/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
