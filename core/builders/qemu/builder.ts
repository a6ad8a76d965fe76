/**
 * The qemu builder: boots a QEMU machine from an ISO or a disk image, types boot_command, waits for SSH, provisions,
 * shuts the machine down and keeps its disk in output_directory.
 */
import type { Builder, BuilderPlugin } from '../../engine/plugin';
import { toPlain } from '../../template/values/value';
import { qemuArtifact } from './artifact';
import { diskPaths } from './disk';
import { readQemuConfig } from './read-config';
import { autoAccelerator } from './run-machine';
import type { QemuState } from './state';
import { qemuSteps } from './steps';

export const qemuBuilder: BuilderPlugin = {
  type: 'qemu',
  cachesSteps: true,
  prepare(config, build) {
    const read = readQemuConfig(config, build);
    if (!read.ok) return read;
    const cfg = read.value;
    const paths = diskPaths(cfg, build);
    const plainConfig = Object.fromEntries(Object.entries(config.values).map(([k, v]) => [k, toPlain(v)]));
    const builder: Builder<QemuState> = {
      steps: (provision) => qemuSteps(cfg, build, paths, provision, plainConfig),
      artifact: (state) =>
        qemuArtifact({
          outputDir: paths.outputDir,
          shownDir: cfg.outputDirectory,
          vmName: cfg.vmName,
          format: cfg.format,
          diskSize: cfg.diskSize,
          accelerator: cfg.accelerator === 'auto' ? autoAccelerator() : cfg.accelerator,
          generated: state.generated,
        }),
    };
    return { ok: true, value: builder };
  },
};
