/**
 * The virtualbox-ovf builder: imports an existing OVF or OVA into VirtualBox, boots and provisions it, and exports
 * it again as OVF or OVA.
 */
import { resolve } from 'node:path';
import { err } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { Builder, BuilderPlugin, BuildInfo } from '../../engine/plugin';
import { readSshConfig } from '../../communicators/ssh/config';
import { downloadStep } from '../qemu/download';
import { httpServerStep } from '../qemu/http-server';
import { machineSteps, realDeps, verifyStep, virtualBoxArtifact } from '../virtualbox/pipeline';
import { readGuestAdditions, readVirtualBoxSettings } from '../virtualbox/settings';
import type { VirtualBoxState } from '../virtualbox/state';
import * as step from '../virtualbox/steps';

export function makeVirtualboxOvfBuilder(depsFor: (build: BuildInfo) => { deps: step.VirtualBoxDeps; found: boolean } = realDeps): BuilderPlugin {
  return {
    type: 'virtualbox-ovf',
    prepare(config, build) {
      const f = new ConfigFields(config, 'virtualbox-ovf');
      const s = readVirtualBoxSettings(f, build);
      const ga = readGuestAdditions(f);
      const source = f.string('source_path');
      if (source === '') f.error('source_path is required');
      const flags = f.stringList('import_flags');
      if (f.string('import_opts') !== '') flags.push('--options', f.string('import_opts'));
      const checksum = f.string('checksum', 'none') || 'none';
      const ssh = s.communicator === 'ssh' ? readSshConfig(config, 'virtualbox-ovf') : undefined;
      if (ssh && !ssh.ok) f.errors.push(...ssh.error);
      if (f.errors.length > 0) return err(f.errors);
      const { deps, found } = depsFor(build);
      const builder: Builder<VirtualBoxState> = {
        steps: (provision) => [
          verifyStep(found),
          step.outputDirStep(s, build),
          step.suppressMessagesStep(deps),
          httpServerStep({ directory: f.string('http_directory'), content: {}, portMin: f.number('http_port_min', 8000), portMax: f.number('http_port_max', 9000), bindAddress: f.string('http_bind_address', '0.0.0.0') || '0.0.0.0', cwd: build.cwd }),
          downloadStep({ urls: [source], checksum, targetPath: f.string('target_path'), targetExtension: 'ovf', cwd: build.cwd, env: build.env, what: 'OVF/OVA' }),
          step.importStep(deps, s, resolve(build.cwd, source), flags),
          ...machineSteps({ deps, settings: s, build, ssh: ssh?.ok ? ssh.value : undefined, guestAdditions: ga, provision }),
        ],
        artifact: (state) => (s.skipExport ? undefined : virtualBoxArtifact(s.outputDir, build, state.generated)),
      };
      return { ok: true, value: builder };
    },
  };
}

export const virtualboxOvfBuilder = makeVirtualboxOvfBuilder();
