/**
 * The qemu builder's steps in Packer's order. Steps pass data only through QemuState; each thing a step creates outside
 * this process is a tracked resource, registered before it is created, and that is its one cleanup path.
 */
import { outputDirStep } from '../../engine/output-dir';
import type { BuildInfo, BuildState } from '../../engine/plugin';
import type { Plain } from '../../template/values/value';
import { cacheLookupStep } from './cache';
import type { Step } from '../../engine/steps';
import { connectStep, temporaryKeyStep } from './connect';
import { convertDiskStep, createDiskStep, resizeDiskStep, type DiskPaths } from './disk';
import { downloadStep } from './download';
import { httpServerStep } from './http-server';
import type { QemuConfig } from './read-config';
import { forwardPortsStep, runMachineStep } from './run-machine';
import { shutdownStep } from './shutdown';
import type { QemuState } from './state';
import { typeBootCommandStep } from './type-boot-command';

export function qemuSteps(cfg: QemuConfig, build: BuildInfo, paths: DiskPaths, provision: Step<BuildState>, builderConfig: Record<string, Plain>): Step<QemuState>[] {
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
    temporaryKeyStep(cfg),
    downloadStep(download),
    cacheLookupStep(cfg, paths, build, builderConfig),
    outputDirStep<QemuState>({ outputDir: cfg.outputDirectory }, build),
    createDiskStep(cfg, paths, build),
    resizeDiskStep(cfg, paths, build),
    httpServerStep({ ...cfg.http, cwd: build.cwd }),
    forwardPortsStep(cfg),
    runMachineStep(cfg, paths, build),
    typeBootCommandStep(cfg, paths),
    connectStep(cfg),
    provision,
    shutdownStep(cfg),
    convertDiskStep(cfg, paths, build),
  ];
}
