/**
 * Packer's StepExport as the VirtualBox and VMware plugins both open it: with skip_export the step says so and exports
 * nothing; otherwise the plugin's own export runs (VBoxManage export, ovftool or Bakehouse's OVF writer).
 */
import { CONTINUE, type Step, type StepContext, type StepResult } from './steps';

export function exportStep<S>(skipExport: boolean, exportMachine: (state: S, ctx: StepContext) => Promise<StepResult>): Step<S> {
  return {
    name: 'StepExport',
    async run(state, ctx) {
      if (skipExport) {
        ctx.ui.say('Skipping export of virtual machine...');
        return CONTINUE;
      }
      return exportMachine(state, ctx);
    },
  };
}
