import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinPlugins } from '../../core/engine/builtin-plugins';
import { createMasker, secretForms, shellQuote } from '../../core/engine/mask';
import { markSensitive, str } from '../../core/template/values/value';
import { build, collect, postProcessor, provisioner, tempDir, texts } from './helpers';

const SECRET = "p@ss w'rd/+=&\"x<";

const encodings: Array<[string, string]> = [
  ['raw', SECRET],
  ['base64', Buffer.from(SECRET).toString('base64')],
  ['shell-quoted', shellQuote(SECRET)],
  ['JSON-escaped', JSON.stringify(SECRET)],
  ['URL-encoded', encodeURIComponent(SECRET)],
];

test('the masker replaces a secret and each of its encodings', () => {
  const m = createMasker([SECRET]);
  for (const [name, form] of encodings) {
    const out = m.text(`before ${form} after`);
    assert.ok(!out.includes(form), `${name} form masked`);
    assert.match(out, /^before .*<sensitive>.* after$/, name);
  }
  assert.ok(secretForms(SECRET).length >= 5);
  assert.equal(createMasker(['']).text('anything'), 'anything');
});

test('secrets never reach events, the run log or the manifest, in any encoding', async () => {
  const dir = tempDir();
  const manifest = join(dir, 'manifest.json');
  const b64 = Buffer.from(SECRET).toString('base64');
  const prints = [
    `printf '%s\\n' ${shellQuote(SECRET)}`,
    `echo ${b64}`,
    `printf '%s\\n' ${shellQuote(JSON.stringify(SECRET))}`,
    `printf '%s\\n' ${shellQuote(`https://x/?q=${encodeURIComponent(SECRET)}`)}`,
    `printf '%s\\n' ${shellQuote(SECRET)} >&2`,
  ];
  const { events, summary } = await collect({
    builds: [
      build('null', {
        provisioners: [provisioner('shell-local', { inline: prints, environment_vars: [`TOKEN=${SECRET}`] })],
        postProcessors: [[postProcessor('manifest', { output: manifest, custom_data: { token: SECRET, note: `in ${b64}` } })]],
      }),
    ],
    registry: builtinPlugins(),
    sensitiveStrings: [SECRET],
    dataDir: dir,
  });
  assert.equal(summary.builds[0].result, 'succeeded');
  const outputs = events.filter((e) => e.kind === 'output');
  assert.equal(outputs.length, 5);
  for (const e of outputs) assert.ok(e.kind === 'output' && e.line.includes('<sensitive>'), `masked: ${JSON.stringify(e)}`);
  const everything = [JSON.stringify(events), readFileSync(summary.runLogPath!, 'utf8'), readFileSync(manifest, 'utf8')];
  for (const text of everything) {
    for (const [name, form] of encodings) assert.ok(!text.includes(form), `${name} form absent`);
  }
  const record = JSON.parse(readFileSync(manifest, 'utf8'));
  assert.deepEqual(record.builds[0].custom_data, { token: '<sensitive>', note: 'in <sensitive>' });
});

test('config values carrying the sensitive mark are masked even when no variable lists them', async () => {
  const b = build('null', { provisioners: [provisioner('shell-local', { inline: ['echo pw=marked-secret'] })] });
  b.builder.values.ssh_password = markSensitive(str('marked-secret'));
  const { events } = await collect({ builds: [b], registry: builtinPlugins() });
  assert.ok(texts(events).includes('pw=<sensitive>'));
  assert.ok(!JSON.stringify(events).includes('marked-secret'));
});
