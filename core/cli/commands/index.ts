import type { Command } from '../command';
import { consoleCommand } from './console';
import { fmtCommand } from './fmt';
import { hcl2UpgradeCommand } from './hcl2-upgrade';
import { inspectCommand } from './inspect';
import { validateCommand } from './validate';
import { versionCommand } from './version';

/** Every command the CLI knows, in the order `--help` lists them. */
export const COMMANDS: Command[] = [consoleCommand, fmtCommand, hcl2UpgradeCommand, inspectCommand, validateCommand, versionCommand];
