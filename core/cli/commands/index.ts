import type { Command } from '../command';
import { fmtCommand } from './fmt';
import { versionCommand } from './version';

/** Every command the CLI knows, in the order `--help` lists them. */
export const COMMANDS: Command[] = [fmtCommand, versionCommand];
