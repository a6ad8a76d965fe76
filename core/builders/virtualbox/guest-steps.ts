/** Steps that need the machine's communicator: the VirtualBox version file and the Guest Additions ISO uploads. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillPlaceholders } from '../../engine/placeholders';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import type { GuestAdditions } from './settings';
import type { VirtualBoxState } from './state';
import type { VirtualBoxDeps } from './steps';

async function version(deps: VirtualBoxDeps, signal: AbortSignal): Promise<string | undefined> {
  const r = await deps.vboxmanage.run(['--version'], signal);
  return r.ok ? /^([.0-9]+)/.exec(r.value.trim())?.[1] : undefined;
}

export function uploadVersionStep(deps: VirtualBoxDeps, ga: GuestAdditions): Step<VirtualBoxState> {
  return {
    name: 'StepUploadVersion',
    async run(state, ctx) {
      if (ga.versionFile === '' || !state.communicator) return CONTINUE;
      const v = await version(deps, ctx.signal);
      if (!v) return halt('Error reading version for metadata upload: VBoxManage --version printed no version');
      ctx.ui.say(`Uploading VirtualBox version info (${v})`);
      const dir = mkdtempSync(join(tmpdir(), 'bakehouse-vbox-'));
      try {
        writeFileSync(join(dir, 'version'), v);
        const up = await state.communicator.upload(join(dir, 'version'), ga.versionFile, ctx.signal);
        return up.ok ? CONTINUE : halt(`Error uploading VirtualBox version: ${up.error}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export function uploadGuestAdditionsStep(deps: VirtualBoxDeps, ga: GuestAdditions): Step<VirtualBoxState> {
  return {
    name: 'StepUploadGuestAdditions',
    async run(state, ctx) {
      if (ga.mode !== 'upload' || !state.communicator) return CONTINUE;
      const props = await deps.vboxmanage.run(['list', 'systemproperties'], ctx.signal);
      const iso = props.ok ? /Default Guest Additions ISO:(.+)/.exec(props.value)?.[1]?.trim() : undefined;
      if (!iso) return halt('Cannot find "Default Guest Additions ISO" in vboxmanage output (or it is empty)');
      const v = (await version(deps, ctx.signal)) ?? '';
      ctx.ui.say('Uploading VirtualBox guest additions ISO...');
      const up = await state.communicator.upload(iso, fillPlaceholders(ga.path, { Version: v }), ctx.signal);
      return up.ok ? CONTINUE : halt(`Error uploading guest additions: ${up.error}`);
    },
  };
}
