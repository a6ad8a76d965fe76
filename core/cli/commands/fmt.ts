import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { writeFileAtomic } from '../../files/atomic-write';
import { formatHcl } from '../../template/hcl/fmt/index';
import type { CliIO, Command } from '../command';
import { renderDiagnostics } from '../diagnostics';
import { flagBool, type ParsedArgs } from '../flags';

const HCL_FILE = /\.pkr\.hcl$|\.pkrvars\.hcl$/;

export const fmtCommand: Command = {
  name: 'fmt',
  synopsis: 'Rewrites HCL2 template files to the canonical format',
  usage: '[options] [PATH…]',
  flags: [
    { name: 'check', kind: 'bool', description: 'Check if the input is formatted; exit status 3 when a file needs formatting.' },
    { name: 'diff', kind: 'bool', description: 'Display diffs of formatting changes.' },
    { name: 'write', kind: 'bool', description: "Don't write to source files with -write=false (always off with -check)." },
    { name: 'recursive', kind: 'bool', description: 'Also process files in subdirectories.' },
  ],
  async run(args, io) {
    return runFmt(args, io);
  },
};

async function runFmt(args: ParsedArgs, io: CliIO): Promise<number> {
  const check = flagBool(args, 'check');
  const showDiff = flagBool(args, 'diff');
  const write = !check && flagBool(args, 'write', true);
  const recursive = flagBool(args, 'recursive');
  const paths = args.positional.length ? args.positional : ['.'];

  if (paths.includes('-')) {
    if (paths.length > 1) {
      io.stderr('bakehouse fmt: "-" (standard input) cannot be combined with other paths\n');
      return 1;
    }
    const text = await readAll(io.stdin);
    const r = formatHcl(text, '<stdin>');
    if (r.diagnostics.some((d) => d.severity === 'error')) {
      io.stderr(renderDiagnostics(r.diagnostics, { sources: { '<stdin>': text }, color: io.color }));
      return 1;
    }
    if (check) return r.changed ? 3 : 0;
    io.stdout(r.text);
    return 0;
  }

  const files: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      io.stderr(`bakehouse fmt: ${p}: no such file or directory\n`);
      return 1;
    }
    if (isDir) files.push(...hclFilesIn(p, recursive));
    else if (HCL_FILE.test(p)) files.push(p);
    else if (p.endsWith('.json')) continue; // JSON templates are left alone, as in Packer
    else {
      io.stderr(`bakehouse fmt: ${p}: not an HCL2 template file (expected .pkr.hcl or .pkrvars.hcl)\n`);
      return 1;
    }
  }

  let failed = false;
  let unformatted = false;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const r = formatHcl(text, file);
    if (r.diagnostics.some((d) => d.severity === 'error')) {
      io.stderr(renderDiagnostics(r.diagnostics, { sources: { [file]: text }, color: io.color }));
      failed = true;
      continue;
    }
    if (!r.changed) continue;
    unformatted = true;
    io.stdout(`${file}\n`);
    if (showDiff) io.stdout(unifiedDiff(file, text, r.text));
    if (write) writeFileAtomic(file, r.text);
  }
  if (failed) return 1;
  return check && unformatted ? 3 : 0;
}

function hclFilesIn(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive && !entry.name.startsWith('.') && entry.name !== 'node_modules') out.push(...hclFilesIn(p, true));
    } else if (HCL_FILE.test(entry.name)) out.push(p);
  }
  return out;
}

function unifiedDiff(file: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`old/${file}`, `new/${file}`, before, after, '', '', { context: 3 });
  // jsdiff starts with an "Index"/"====" banner and tab-separated empty headers; Packer prints plain ---/+++ lines.
  return patch
    .split('\n')
    .filter((l) => !/^={3,}$/.test(l) && !l.startsWith('Index: '))
    .map((l) => (l.startsWith('--- ') || l.startsWith('+++ ') ? l.replace(/\t$/, '') : l))
    .join('\n');
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
