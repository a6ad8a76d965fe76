/**
 * Packer's stepShutdown: runs shutdown_command over the communicator and waits up to shutdown_timeout for QEMU to exit;
 * without a command the machine is asked to quit at once (Packer stops the process the same way).
 */
import { CANCELLED } from '../../common/result';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import type { QemuConfig } from './read-config';
import type { QemuState } from './state';

export function shutdownStep(cfg: QemuConfig): Step<QemuState> {
  return {
    name: 'stepShutdown',
    async run(state, ctx) {
      const { ui, signal } = ctx;
      const p = state.process;
      if (!p) return CONTINUE;
      if (cfg.shutdownCommand !== '' && state.communicator) {
        ui.say('Gracefully halting virtual machine...');
        const r = await state.communicator.run(cfg.shutdownCommand, { signal, onLine: (stream, line) => ui.output(stream, line) });
        // The connection usually drops as the machine goes down: only a command that exits with an error is a failure.
        if (r.ok && r.value.exitCode !== 0 && p.running && !(await p.waitForExit(5000, signal))) {
          return halt(`Failed to send shutdown command: exit status ${r.value.exitCode}`);
        }
        ui.say(`Waiting max ${Math.round(cfg.shutdownTimeoutMs / 1000)}s for shutdown to complete`);
        if (await p.waitForExit(cfg.shutdownTimeoutMs, signal)) {
          ui.say('VM shut down.');
          return CONTINUE;
        }
        if (signal.aborted) return halt(CANCELLED);
        await p.kill();
        return halt('Failed to shutdown');
      }
      ui.say('Halting the virtual machine...');
      await state.qmp?.execute('quit');
      if (!(await p.waitForExit(10_000, signal))) await p.kill();
      return CONTINUE;
    },
  };
}
