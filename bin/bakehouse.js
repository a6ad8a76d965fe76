#!/usr/bin/env node
'use strict';
// `--version` is answered before the CLI bundle is loaded: scripts call it often and it should cost no more than Node's start.
const first = process.argv[2];
if (process.argv.length === 3 && (first === '--version' || first === '-version' || first === '-v')) {
  process.stdout.write(`Bakehouse v${require('../package.json').version}\n`);
} else {
  require('../dist/cli.js').main();
}
