// Runs every *.test.ts under test/ with node's own test runner (tsx strips the types).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TSX_LOADER } from './tsx-loader.mjs';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = find('test').sort();
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
const child = spawn(process.execPath, ['--import', TSX_LOADER, '--test', '--test-concurrency=2', ...files], { stdio: ['inherit', 'pipe', 'inherit'] });
// The TAP stream passes through untouched, but the failures are repeated just above the final summary: a long run's
// failing test otherwise sits thousands of lines up, where a CI log's tail does not reach.
const failures = [];
let current;
createInterface({ input: child.stdout }).on('line', (line) => {
  const failed = /^(\s*)not ok \d+ - (.*)$/.exec(line);
  if (failed) failures.push((current = { name: failed[2], depth: failed[1].length / 4, details: [] }));
  else if (current?.messageNext) {
    current.details.push(line.trim());
    current.messageNext = false;
  } else if (current && current.details.length < 6 && /^\s+(error|location|failureType):/.test(line)) {
    current.details.push(line.trim());
    // A multi-line message starts on the next line.
    current.messageNext = /error: [|>]-?$/.test(line);
  }
  if (/^# tests \d+/.test(line) && failures.length) {
    console.log(`# ${failures.length} failing (innermost first):`);
    for (const f of [...failures].sort((a, b) => b.depth - a.depth)) console.log(`#   ${'  '.repeat(f.depth)}${f.name}${f.details.length ? `  [${f.details.join(' ')}]` : ''}`);
  }
  console.log(line);
});
child.on('close', (code) => process.exit(code ?? 1));
