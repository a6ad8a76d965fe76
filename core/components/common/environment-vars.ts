/** Shell-style environment_vars ("KEY=value" strings), as the shell and shell-local components take them. */
import { problem, type Check } from '../checks';

/** Packer rejects entries that are not KEY=value with a non-empty key. */
export const environmentVarsCheck: Check = (c) =>
  c
    .strings('environment_vars')
    .filter((kv) => kv.indexOf('=') <= 0)
    .map((kv) => problem(`Environment variable not in format 'key=value': ${kv}`, 'environment_vars'));
