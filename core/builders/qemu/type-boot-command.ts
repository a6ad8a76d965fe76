/**
 * Packer's stepTypeBootCommand: waits boot_wait, then types boot_command into the machine's keyboard — through QMP's
 * input-send-event here rather than VNC, so held modifiers (`<leftCtrlOn>`) really stay down between keys.
 */
import { cancelled, CANCELLED, ok, type Result } from '../../common/result';
import { fillPlaceholders } from '../../engine/placeholders';
import { sleep } from '../../engine/retry';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { parseBootCommand, type KeyAction } from './boot-command';
import type { QmpClient } from './qmp';
import type { QemuConfig } from './read-config';
import type { DiskPaths } from './disk';
import { placeholders, type QemuState } from './state';

function keyEvent(key: string, down: boolean): Record<string, unknown> {
  return { type: 'key', data: { down, key: { type: 'qcode', data: key } } };
}

/** Sends one action; `tap` presses its keys in order and releases them in reverse. */
export async function sendAction(qmp: QmpClient, a: KeyAction, holdMs: number, signal: AbortSignal): Promise<Result> {
  if (a.kind === 'wait') return (await sleep(a.ms, signal)) ? ok() : cancelled();
  if (a.kind === 'down' || a.kind === 'up') {
    const r = await qmp.execute('input-send-event', { events: [keyEvent(a.key, a.kind === 'down')] });
    return r.ok ? ok() : r;
  }
  const press = await qmp.execute('input-send-event', { events: a.keys.map((k) => keyEvent(k, true)) });
  if (!press.ok) return press;
  // A key released in the same instant is sometimes missed by a guest busy booting.
  await sleep(holdMs, signal);
  const release = await qmp.execute('input-send-event', { events: [...a.keys].reverse().map((k) => keyEvent(k, false)) });
  return release.ok ? ok() : release;
}

export function typeBootCommandStep(cfg: QemuConfig, paths: DiskPaths): Step<QemuState> {
  return {
    name: 'stepTypeBootCommand',
    async run(state, ctx) {
      const { ui, signal } = ctx;
      if (state.restored) return CONTINUE;
      if (state.startDisk && cfg.bootCommand.length > 0) {
        // boot_command drives an installer or a boot menu; the cached disk boots the system it made.
        ui.say('Not typing boot_command: the machine boots the cached disk');
        return CONTINUE;
      }
      if (cfg.bootWaitMs > 0) {
        ui.say(`Waiting ${formatSeconds(cfg.bootWaitMs)} for boot...`);
        if (!(await sleep(cfg.bootWaitMs, signal))) return halt(CANCELLED);
      }
      if (cfg.bootCommand.length === 0) return CONTINUE;
      const qmp = state.qmp;
      if (!qmp) return halt('Error typing the boot command: no QMP connection to the machine');
      const data = placeholders(state, cfg.vmName, paths.outputDir);
      ui.say('Typing the boot command over QMP...');
      for (const line of cfg.bootCommand) {
        const parsed = parseBootCommand(fillPlaceholders(line, data));
        if (!parsed.ok) return halt(parsed.error);
        for (const action of parsed.value) {
          if (signal.aborted) return halt(CANCELLED);
          if (!state.process?.running) return halt('Error typing the boot command: QEMU exited');
          const r = await sendAction(qmp, action, 10, signal);
          if (!r.ok) return halt(signal.aborted ? CANCELLED : `Error typing the boot command: ${r.error}`);
          const pause = action.kind === 'tap' ? cfg.bootKeyIntervalMs : action.kind === 'wait' ? 0 : cfg.bootKeygroupIntervalMs;
          if (pause > 0 && !(await sleep(pause, signal))) return halt(CANCELLED);
        }
      }
      return CONTINUE;
    },
  };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
