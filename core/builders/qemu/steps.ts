/** The qemu builder's steps in Packer's order; each resource is registered for cleanup before it is created. */
import type { BuildInfo, BuildState } from '../../engine/plugin';
import type { Step } from '../../engine/steps';
import { connectStep, temporaryKeyStep } from './connect';
import { convertDiskStep, createDiskStep, outputDirStep, resizeDiskStep, type DiskPaths } from './disk';
import { downloadStep } from './download';
import { httpServerStep } from './http-server';
import type { QemuConfig } from './read-config';
import { forwardPortsStep, runMachineStep, type Machine } from './run-machine';
import { shutdownStep } from './shutdown';
import { typeBootCommandStep } from './type-boot-command';

export function qemuSteps(cfg: QemuConfig, build: BuildInfo, paths: DiskPaths, provision: Step<BuildState>): Step<BuildState>[] {
  const m: Machine = { httpPort: 0, placeholders: { Name: cfg.vmName, OutputDir: paths.outputDir, HTTPIP: '10.0.2.2' } };
  const download = {
    urls: cfg.isoUrls,
    checksum: cfg.isoChecksum,
    targetPath: cfg.isoTargetPath,
    targetExtension: cfg.isoTargetExtension,
    cwd: build.cwd,
    env: build.env,
    what: cfg.diskImage ? 'disk image' : 'ISO',
  };
  return [
    temporaryKeyStep(cfg, m),
    downloadStep(download, (d) => (m.image = d.path)),
    outputDirStep(paths, build, cfg.outputDirectory),
    createDiskStep(cfg, paths, build, () => m.image ?? ''),
    resizeDiskStep(cfg, paths, build),
    httpServerStep({ ...cfg.http, cwd: build.cwd }, (port) => {
      m.httpPort = port;
      m.placeholders.HTTPPort = String(port);
    }),
    forwardPortsStep(cfg, m),
    runMachineStep(cfg, paths, build, m),
    typeBootCommandStep(cfg, m),
    connectStep(cfg, m),
    provision,
    shutdownStep(cfg, m),
    convertDiskStep(cfg, paths, build),
  ];
}
