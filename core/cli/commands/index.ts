import type { Command } from '../command';
import { buildCommand } from './build';
import { cleanupCommand } from './cleanup';
import { consoleCommand } from './console';
import { fmtCommand } from './fmt';
import { hcl2UpgradeCommand } from './hcl2-upgrade';
import { inspectCommand } from './inspect';
import { serveCommand } from './serve';
import { validateCommand } from './validate';
import { versionCommand } from './version';

/** Every command the CLI knows, in the order `--help` lists them. */
export const COMMANDS: Command[] = [
  buildCommand,
  cleanupCommand,
  consoleCommand,
  fmtCommand,
  hcl2UpgradeCommand,
  inspectCommand,
  serveCommand,
  validateCommand,
  versionCommand,
];
