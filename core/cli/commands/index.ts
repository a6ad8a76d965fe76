import type { Command } from '../command';
import { versionCommand } from './version';

/** Every command the CLI knows, in the order `--help` lists them. */
export const COMMANDS: Command[] = [versionCommand];
