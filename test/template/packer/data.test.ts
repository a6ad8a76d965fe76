/**
 * Data sources as Packer 1.14 evaluates them: together with the locals in dependency order, checked, run when asked
 * (null in the loader, http through loadTemplateFilesRunningDataSources against a real local server), and honest about
 * the types Bakehouse cannot run here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadTemplateFilesRunningDataSources } from '../../../core/template/load';
import type { LoadOptions, LoadResult } from '../../../core/template/model';
import { formatValueHcl } from '../../../core/template/values/format';
import { errors, load, modelOf, noErrors, ROOT, where } from './helpers';

const localValue = (r: LoadResult, name: string): string => {
  const l = modelOf(r).locals.find((x) => x.name === name);
  assert.ok(l, `no local ${name}`);
  return formatValueHcl(l.value);
};

test('a data source may use a local, and a local the data source’s output, in either order in the file', () => {
  const r = load({
    'a.pkr.hcl': 'locals {\n  shout = upper(data.null.x.output)\n  greeting = "hello"\n}\ndata "null" "x" {\n  input = "${local.greeting} world"\n}\n',
  });
  noErrors(r);
  assert.equal(localValue(r, 'shout'), '"HELLO WORLD"');
  assert.equal(formatValueHcl(modelOf(r).dataSources[0].value), '{\n  "output" = "hello world"\n}');
});

test('validate (dataSources: skip) checks data sources and leaves their outputs unknown, typed', () => {
  const r = load({ 'a.pkr.hcl': 'data "null" "x" {\n  input = "a"\n}\nlocals {\n  a = data.null.x.output\n  b = data.null.x.nothing\n}\n' }, { dataSources: 'skip' });
  assert.deepEqual(errors(r).map(where), ['Unsupported attribute @ a.pkr.hcl:6:18']);
  assert.equal(modelOf(r).locals.find((l) => l.name === 'a')?.value.kind, 'unknown');
});

test('a cycle through a data source is one error naming its members, at the first one, in Packer 1.14\'s words', () => {
  const r = load({ 'a.pkr.hcl': 'locals {\n  a = data.null.x.output\n}\ndata "null" "x" {\n  input = local.a\n}\n' });
  assert.deepEqual(errors(r).map(where), ['failed to prepare execution graph @ a.pkr.hcl:4:1']);
  assert.equal(errors(r)[0].detail, 'An error occurred while building the graph for datasources/locals: 1 error occurred:\n\t* Cycle: null.x, local.a');
});

test('an undeclared data source and an unknown type are errors with their place', () => {
  const r = load({ 'a.pkr.hcl': 'data "null" "x" {\n  input = "a"\n}\nlocals {\n  a = data.null.y.output\n}\ndata "nope" "z" {\n}\n' });
  // Packer 1.14 stops at the graph's error; Bakehouse also names the unknown type, which Packer would report next.
  assert.deepEqual(errors(r).map(where), ['failed to prepare execution graph @ a.pkr.hcl:5:7', 'Unknown data type nope @ a.pkr.hcl:7:6']);
  assert.match(errors(r)[0].detail ?? '', /could not get dependency "data\.null\.y" for "local\.a", "data\.null\.y" missing in template/);
  assert.match(errors(r)[1].detail ?? '', /known data sources: \[amazon-ami .* http null\]/);
});

test('a duplicate data block stops the load there, as Packer stops after parsing', () => {
  const r = load({ 'a.pkr.hcl': 'data "null" "x" {\n  input = "a"\n}\ndata "null" "x" {\n  input = "b"\n}\nlocals {\n  a = local.nope\n}\n' });
  assert.deepEqual(errors(r).map(where), ['Duplicate data block @ a.pkr.hcl:4:1']);
  assert.match(errors(r)[0].detail ?? '', /previous block declared at .*a\.pkr\.hcl:1,1-16/);
});

test('Configure rules in Packer’s words: null needs input, http a known method', () => {
  const r = load({ 'a.pkr.hcl': 'data "null" "x" {\n  input = ""\n}\ndata "http" "y" {\n  url = "http://example.invalid/"\n  method = "get"\n}\n' }, { dataSources: 'skip' });
  assert.deepEqual(errors(r).map(where), ['The `input` must be specified @ a.pkr.hcl:1:1', 'the `method` must be one of [HEAD GET POST PUT DELETE OPTIONS PATCH] @ a.pkr.hcl:4:1']);
});

test('hcp-packer-* are checked by validate, and refuse to run', () => {
  const text = 'data "hcp-packer-version" "v" {\n  bucket_name = "b"\n  channel_name = "c"\n}\nlocals {\n  id = data.hcp-packer-version.v.id\n}\n';
  noErrors(load({ 'a.pkr.hcl': text }, { dataSources: 'skip' }));
  const run = load({ 'a.pkr.hcl': text });
  assert.deepEqual(errors(run).map(where), ['Data source data.hcp-packer-version.v cannot run @ a.pkr.hcl:1:1']);
  assert.match(errors(run)[0].detail ?? '', /HCP Packer is not supported/);
  const missing = load({ 'a.pkr.hcl': 'data "hcp-packer-version" "v" {\n  bucket_name = "b"\n}\n' }, { dataSources: 'skip' });
  assert.deepEqual(errors(missing).map(where), ['the `channel_name` must be specified @ a.pkr.hcl:1:1']);
});

test('amazon-secretsmanager is checked by validate, which leaves its output unknown (it runs against moto in test/datasources/amazon.test.ts)', () => {
  const r = load({ 'a.pkr.hcl': 'data "amazon-secretsmanager" "p" {\n  name = "/x"\n  region = "eu-west-1"\n}\nlocals {\n  v = data.amazon-secretsmanager.p.value\n}\n' }, { dataSources: 'skip' });
  noErrors(r);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'warning'), []);
  assert.equal(modelOf(r).locals[0].value.kind, 'unknown');
  const nameless = load({ 'a.pkr.hcl': 'data "amazon-secretsmanager" "p" {\n  region = "eu-west-1"\n}\n' }, { dataSources: 'skip' });
  assert.deepEqual(errors(nameless).map(where), ["a 'name' must be provided @ a.pkr.hcl:1:1"]);
});

/** A real HTTP server on a loopback port, answering by path; it records each request it got. */
async function withServer(fn: (base: string, seen: IncomingMessage[]) => Promise<void>): Promise<void> {
  const seen: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/version.json') {
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('X-Multi', ['1', '2']);
        res.end(JSON.stringify({ version: '1.2.3', token: req.headers['x-token'] ?? null, method: req.method, body: Buffer.concat(chunks).toString() }));
      } else if (req.url === '/moved') {
        res.writeHead(302, { Location: '/version.json' }).end();
      } else if (req.url === '/binary') {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(Buffer.from([0x62, 0x69, 0x6e]));
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('nope');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const loadRunning = (text: string, opts: LoadOptions = {}): Promise<LoadResult> =>
  loadTemplateFilesRunningDataSources([{ filename: `${ROOT}/a.pkr.hcl`, text }], ROOT, { env: {}, cwd: ROOT, ...opts });

test('http: a real request with its headers; the body, url and response headers come back, and a local reads them', async () => {
  await withServer(async (base) => {
    const r = await loadRunning(
      `data "http" "v" {\n  url = "${base}/version.json"\n  request_headers = { X-Token = "t0k" }\n}\nlocals {\n  version = jsondecode(data.http.v.body).version\n  token = jsondecode(data.http.v.body).token\n  multi = data.http.v.request_headers["X-Multi"]\n  type = data.http.v.request_headers["Content-Type"]\n}\n`,
    );
    noErrors(r);
    assert.equal(localValue(r, 'version'), '"1.2.3"');
    assert.equal(localValue(r, 'token'), '"t0k"');
    assert.equal(localValue(r, 'multi'), '"1, 2"');
    assert.equal(localValue(r, 'type'), '"application/json"');
  });
});

test('http: method and request_body are sent; redirects are followed', async () => {
  await withServer(async (base, seen) => {
    const r = await loadRunning(`data "http" "p" {\n  url = "${base}/version.json"\n  method = "POST"\n  request_body = "hi"\n}\ndata "http" "m" {\n  url = "${base}/moved"\n}\nlocals {\n  p = jsondecode(data.http.p.body)\n  m = jsondecode(data.http.m.body).version\n}\n`);
    noErrors(r);
    assert.equal(localValue(r, 'p'), '{\n  "body" = "hi"\n  "method" = "POST"\n  "version" = "1.2.3"\n}');
    assert.equal(localValue(r, 'm'), '"1.2.3"');
    assert.deepEqual(seen.map((q) => `${q.method} ${q.url}`).sort(), ['GET /moved', 'GET /version.json', 'POST /version.json']);
  });
});

test('http: a chain — the second request’s URL comes from the first one’s answer through a local', async () => {
  await withServer(async (base, seen) => {
    const r = await loadRunning(`data "http" "first" {\n  url = "${base}/version.json"\n}\nlocals {\n  next = "${base}/v/\${jsondecode(data.http.first.body).version}"\n}\ndata "http" "second" {\n  url = local.next\n}\n`);
    assert.deepEqual(errors(r).map(where), ['HTTP request error. Response code: 404 @ a.pkr.hcl:7:1']);
    assert.deepEqual(seen.map((q) => q.url), ['/version.json', '/v/1.2.3']);
  });
});

test('http: a non-2xx status is Packer’s error; a body that is not text comes back with a warning', async () => {
  await withServer(async (base) => {
    const r = await loadRunning(`data "http" "missing" {\n  url = "${base}/nothing"\n}\n`);
    assert.deepEqual(errors(r).map(where), ['HTTP request error. Response code: 404 @ a.pkr.hcl:1:1']);
    assert.equal(errors(r)[0].detail, 'The data source data.http.missing failed when it ran.');
    const bin = await loadRunning(`data "http" "b" {\n  url = "${base}/binary"\n}\nlocals {\n  b = data.http.b.body\n}\n`);
    noErrors(bin);
    assert.equal(localValue(bin, 'b'), '"bin"');
    assert.match(bin.diagnostics.find((d) => d.severity === 'warning')?.summary ?? '', /^Content-Type is not recognized as a text type, got "application\/octet-stream"/);
  });
});

test('http: validate without -evaluate-datasources sends nothing', async () => {
  await withServer(async (base, seen) => {
    const r = await loadRunning(`data "http" "v" {\n  url = "${base}/version.json"\n}\n`, { dataSources: 'skip' });
    noErrors(r);
    assert.equal(seen.length, 0);
    assert.equal(modelOf(r).dataSources[0].value.kind, 'unknown');
  });
});

test('http: a refused connection names the URL, as Go does', async () => {
  const r = await loadRunning('data "http" "v" {\n  url = "http://127.0.0.1:9/x"\n}\n');
  // Packer 1.14: Datasource.Execute failed: Get "http://127.0.0.1:9/x": dial tcp 127.0.0.1:9: connect: connection refused
  assert.match(errors(r)[0]?.summary ?? '', /^Get "http:\/\/127\.0\.0\.1:9\/x": dial tcp 127\.0\.0\.1:9: connect: connection refused$/);
});
