/**
 * The Python tools the tests run (Salt's salt-call; moto's server for the cloud builders) live in one virtual environment,
 * which .ci/python-venv.sh creates from pinned PyPI versions at the same place (or at BAKEHOUSE_PYTHON_VENV, in both).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON_VENV = process.env.BAKEHOUSE_PYTHON_VENV ?? '/var/cache/bakehouse/venv';

/** The absolute path of a tool in the virtual environment, or undefined when it is not installed there. */
export function venvTool(name: string): string | undefined {
  const path = join(PYTHON_VENV, 'bin', name);
  return existsSync(path) ? path : undefined;
}
