#!/usr/bin/env node
'use strict';
// `--version` is answered before the CLI bundle is loaded: scripts call it often and it should cost no more than Node's start.
const first = process.argv[2];
if (process.argv.length === 3 && (first === '--version' || first === '-version' || first === '-v')) {
  process.stdout.write(`Bakehouse v${require('../package.json').version}\n`);
} else {
  loadCli().main();
}

/**
 * Loads dist/cli.js with V8's code cache: compiling the 4 MB bundle is most of a short command's start-up, and Node 20 has
 * no built-in compile cache (module.enableCompileCache is Node 22). One cache per command, written when the process exits
 * so it holds the functions that command compiled; keyed by the bundle's size and mtime, since V8 itself only checks the
 * source's length. A cache that cannot be read or written is simply not used.
 */
function loadCli() {
  const fs = require('node:fs');
  const path = require('node:path');
  const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
  if (process.env.BAKEHOUSE_NO_CODE_CACHE) return require(bundle);
  const Module = require('node:module');
  const vm = require('node:vm');
  const os = require('node:os');
  let source;
  let stat;
  try {
    source = fs.readFileSync(bundle, 'utf8');
    stat = fs.statSync(bundle);
  } catch {
    return require(bundle);
  }
  const command = /^[a-z0-9_]{1,20}$/.test(first ?? '') ? first : 'other';
  const key = `${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}-${process.arch}`;
  const name = `cli-${command}.bin`;
  const dirs = [path.join(__dirname, '..', 'dist', '.code-cache'), path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'bakehouse', 'code-cache')];
  let cached;
  for (const dir of dirs) {
    try {
      const data = fs.readFileSync(path.join(dir, name));
      const nl = data.indexOf(10);
      if (nl > 0 && data.subarray(0, nl).toString() === key) {
        cached = data.subarray(nl + 1);
        break;
      }
    } catch {
      // No cache there yet.
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData: cached });
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(path.dirname(bundle));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  if (cached === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      let data;
      try {
        data = Buffer.concat([Buffer.from(`${key}\n`), script.createCachedData()]);
      } catch {
        return;
      }
      for (const dir of dirs) {
        // A temporary name then a rename: parallel first runs never leave a torn file for the next one to read.
        const tmp = path.join(dir, `.${name}.${process.pid}`);
        try {
          fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
          fs.writeFileSync(tmp, data, { mode: 0o600 });
          fs.renameSync(tmp, path.join(dir, name));
          return;
        } catch {
          try {
            fs.rmSync(tmp, { force: true });
          } catch {
            // Nothing more to do: the next run compiles without a cache.
          }
        }
      }
    });
  }
  return mod.exports;
}
