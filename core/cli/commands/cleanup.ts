/** `bakehouse cleanup`: removes the build containers (and their temp folders) that crashed or killed runs left behind. */
import { findLeftovers, removeLeftover } from '../../builders/docker/leftovers';
import { DockerDriver } from '../../builders/docker/driver';
import type { Command } from '../command';
import type { ParsedArgs } from '../flags';

export const cleanupCommand: Command = {
  name: 'cleanup',
  synopsis: 'Removes containers that interrupted builds left behind',
  usage: '[options]',
  flags: [
    { name: 'run-id', kind: 'string', description: 'Only clean up after this run (its PACKER_RUN_UUID).', placeholder: 'id' },
    { name: 'dry-run', kind: 'bool', description: 'List what would be removed, remove nothing.' },
    { name: 'all', kind: 'bool', description: 'Also remove containers whose run may still be going.' },
  ],
  async run(args, io) {
    const runId = args.flags.get('run-id')?.at(-1);
    const dryRun = flagOn(args, 'dry-run');
    const all = flagOn(args, 'all');
    const driver = DockerDriver.fromEnv(io.env);
    const reachable = await driver.verify(AbortSignal.timeout(10_000));
    if (!reachable.ok) {
      io.stderr(`Error: ${reachable.error}\n`);
      return 1;
    }
    let leftovers;
    try {
      leftovers = await findLeftovers(driver, runId);
    } catch (e) {
      io.stderr(`Error: could not list containers: ${driver.describe(e)}\n`);
      return 1;
    }
    if (leftovers.length === 0) {
      io.stdout('Nothing to clean up.\n');
      return 0;
    }
    let failed = 0;
    for (const l of leftovers) {
      const what = `container ${l.name} (build ${l.build || '?'}, run ${l.runId})`;
      if (l.maybeInUse && !all) {
        io.stdout(`Skipped ${what}: ${l.why}; use -all to remove it anyway\n`);
        continue;
      }
      if (dryRun) {
        io.stdout(`Would remove ${what}\n`);
        continue;
      }
      try {
        await removeLeftover(driver, l);
        io.stdout(`Removed ${what}\n`);
      } catch (e) {
        failed++;
        io.stderr(`Error: could not remove ${what}: ${driver.describe(e)}\n`);
      }
    }
    return failed > 0 ? 1 : 0;
  },
};

/** A boolean flag's last value, as Go's flag package reads it. */
function flagOn(args: ParsedArgs, name: string): boolean {
  const v = args.flags.get(name)?.at(-1);
  return v !== undefined && /^(1|t|true)$/i.test(v);
}
