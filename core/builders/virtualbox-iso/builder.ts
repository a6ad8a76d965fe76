/**
 * The virtualbox-iso builder: creates a VirtualBox machine with a new disk, boots it from the install ISO, types the
 * boot command, provisions it over SSH, and exports it as OVF or OVA.
 */
import { err } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { Builder, BuilderPlugin, BuildInfo } from '../../engine/plugin';
import { readSshConfig } from '../../communicators/ssh/config';
import { downloadStep } from '../qemu/download';
import { httpServerStep } from '../qemu/http-server';
import { DISK_INTERFACES, ISO_INTERFACES } from '../../components/common/virtualbox';
import { machineSteps, realDeps, verifyStep, virtualBoxArtifact } from '../virtualbox/pipeline';
import { readGuestAdditions, readVirtualBoxSettings } from '../virtualbox/settings';
import type { VirtualBoxState } from '../virtualbox/state';
import * as step from '../virtualbox/steps';

export function makeVirtualboxIsoBuilder(depsFor: (build: BuildInfo) => { deps: step.VirtualBoxDeps; found: boolean } = realDeps): BuilderPlugin {
  return {
    type: 'virtualbox-iso',
    prepare(config, build) {
      const f = new ConfigFields(config, 'virtualbox-iso');
      const s = readVirtualBoxSettings(f, build);
      const ga = readGuestAdditions(f);
      const isoUrls = f.has('iso_urls') ? f.stringList('iso_urls') : [f.string('iso_url')].filter((u) => u !== '');
      if (isoUrls.length === 0) f.error('One of iso_url or iso_urls must be specified');
      // Validation has held both to their lists (virtualbox-iso/config.ts), so anything else here is the default.
      const hardDriveInterface = oneOf(DISK_INTERFACES, f.string('hard_drive_interface'), 'ide');
      const isoInterface = oneOf(ISO_INTERFACES, f.string('iso_interface'), 'ide');
      const hw = {
        guestOsType: f.string('guest_os_type', 'Other') || 'Other',
        cpus: f.number('cpus', 1) || 1,
        memoryMb: f.number('memory', 512) || 512,
        usb: f.bool('usb'),
        sound: f.string('sound', 'none') || 'none',
      };
      const disk = {
        path: `${s.outputDir}/${s.vmName}.vdi`,
        sizeMb: f.number('disk_size', 40000) || 40000,
        hardDriveInterface,
        isoInterface,
        sataPortCount: f.number('sata_port_count', 1) || 1,
        nvmePortCount: f.number('nvme_port_count', 1) || 1,
        nonrotational: f.bool('hard_drive_nonrotational'),
        discard: f.bool('hard_drive_discard'),
      } as const;
      const ssh = s.communicator === 'ssh' ? readSshConfig(config, 'virtualbox-iso') : undefined;
      if (ssh && !ssh.ok) f.errors.push(...ssh.error);
      if (f.errors.length > 0) return err(f.errors);
      const { deps, found } = depsFor(build);
      const builder: Builder<VirtualBoxState> = {
        steps: (provision) => [
          verifyStep(found),
          downloadStep({ urls: isoUrls, checksum: f.string('iso_checksum'), targetPath: f.string('iso_target_path'), targetExtension: f.string('iso_target_extension', 'iso') || 'iso', cwd: build.cwd, env: build.env, what: 'ISO' }),
          step.outputDirStep(s, build),
          httpServerStep({ directory: f.string('http_directory'), content: {}, portMin: f.number('http_port_min', 8000), portMax: f.number('http_port_max', 9000), bindAddress: f.string('http_bind_address', '0.0.0.0') || '0.0.0.0', cwd: build.cwd }),
          step.suppressMessagesStep(deps),
          step.createVmStep(deps, s, hw),
          step.createDiskStep(deps, s, disk),
          ...machineSteps({ deps, settings: s, build, ssh: ssh?.ok ? ssh.value : undefined, guestAdditions: ga, provision, bootIso: { isoInterface } }),
        ],
        artifact: (state) => (s.skipExport ? undefined : virtualBoxArtifact(s.outputDir, build, state.generated)),
      };
      return { ok: true, value: builder };
    },
  };
}

export const virtualboxIsoBuilder = makeVirtualboxIsoBuilder();

function oneOf<T extends string>(values: readonly T[], text: string, fallback: T): T {
  return (values as readonly string[]).includes(text) ? (text as T) : fallback;
}
