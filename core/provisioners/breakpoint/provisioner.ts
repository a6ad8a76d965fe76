/** The breakpoint provisioner: pauses the build with its note until the user says continue (Enter in the CLI, a button in the app). */
import { cancelled, err, ok } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { ProvisionerPlugin } from '../../engine/plugin';

export const breakpointProvisioner: ProvisionerPlugin = {
  type: 'breakpoint',
  prepare(config) {
    const f = new ConfigFields(config, 'breakpoint');
    const disable = f.bool('disable');
    const note = f.string('note');
    if (f.errors.length > 0) return err(f.errors);
    return {
      ok: true,
      value: {
        async provision({ ui, signal }) {
          if (disable) {
            ui.say('Breakpoint provisioner disabled. Continuing...');
            return ok();
          }
          ui.say(note ? `Pausing at breakpoint provisioner with note ${JSON.stringify(note)}.` : 'Pausing at breakpoint provisioner.');
          await ui.ask('breakpoint', 'Press enter to continue.', ['continue']);
          if (signal.aborted) return cancelled();
          return ok();
        },
      },
    };
  },
};
