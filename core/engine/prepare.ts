/**
 * Packer's prepare phase: every builder, provisioner and post-processor of a build validates its config before any
 * build starts, so a typo fails the run at once rather than after an hour of building.
 */
import { err, ok, type Result } from '../common/result';
import type { PlannedBuild, ProvisionerModel } from '../template/model';
import { toPlain } from '../template/values/value';
import { durationMs } from './durations';
import type { BuildInfo, Builder, PluginRegistry } from './plugin';
import type { PreparedPostProcessor } from './post-processing';
import type { PreparedProvisioner } from './provisioning';

export interface PreparedBuild {
  plan: PlannedBuild;
  info: BuildInfo;
  builder: Builder;
  provisioners: PreparedProvisioner[];
  cleanupProvisioner?: PreparedProvisioner;
  postProcessors: PreparedPostProcessor[][];
}

export function prepareBuild(plan: PlannedBuild, info: BuildInfo, registry: PluginRegistry): Result<PreparedBuild, string[]> {
  const errors: string[] = [];
  const builderPlugin = registry.builder(plan.type);
  let builder: Builder | undefined;
  if (!builderPlugin) errors.push(`The builder ${plan.type} is unknown by Bakehouse, and is likely part of a plugin that is not installed.`);
  else {
    const prepared = builderPlugin.prepare(plan.builder, info);
    if (prepared.ok) builder = prepared.value;
    else errors.push(...prepared.error.map((e) => `builder ${plan.type}: ${e}`));
  }
  const provisioners: PreparedProvisioner[] = [];
  for (const p of plan.provisioners) {
    const prepared = prepareProvisioner(p, info, registry, errors);
    if (prepared) provisioners.push(prepared);
  }
  const cleanupProvisioner = plan.errorCleanupProvisioner ? prepareProvisioner(plan.errorCleanupProvisioner, info, registry, errors) : undefined;
  const postProcessors: PreparedPostProcessor[][] = [];
  for (const chain of plan.postProcessors) {
    const prepared: PreparedPostProcessor[] = [];
    for (const pp of chain) {
      const plugin = registry.postProcessor(pp.type);
      if (!plugin) {
        errors.push(`The post-processor ${pp.type} is unknown by Bakehouse, and is likely part of a plugin that is not installed.`);
        continue;
      }
      const made = plugin.prepare(pp.config, info);
      if (!made.ok) errors.push(...made.error.map((e) => `post-processor ${pp.type}: ${e}`));
      else prepared.push({ type: pp.type, name: pp.name, postProcessor: made.value, keepInputArtifact: pp.keepInputArtifact, range: pp.range });
    }
    postProcessors.push(prepared);
  }
  if (errors.length > 0 || !builder) return err(errors);
  return ok({ plan, info, builder, provisioners, cleanupProvisioner, postProcessors });
}

function prepareProvisioner(p: ProvisionerModel, info: BuildInfo, registry: PluginRegistry, errors: string[]): PreparedProvisioner | undefined {
  const plugin = registry.provisioner(p.type);
  if (!plugin) {
    errors.push(`The provisioner ${p.type} is unknown by Bakehouse, and is likely part of a plugin that is not installed.`);
    return undefined;
  }
  const pause = durationMs(p.pauseBefore);
  const timeout = durationMs(p.timeout);
  if (!pause.ok) errors.push(`provisioner ${p.type}: pause_before: ${pause.error}`);
  if (!timeout.ok) errors.push(`provisioner ${p.type}: timeout: ${timeout.error}`);
  const made = plugin.prepare(p.config, info);
  if (!made.ok) {
    errors.push(...made.error.map((e) => `provisioner ${p.type}: ${e}`));
    return undefined;
  }
  return {
    type: p.type,
    name: p.name,
    provisioner: made.value,
    pauseBefore: p.pauseBefore,
    pauseBeforeMs: pause.ok ? pause.value : 0,
    maxRetries: p.maxRetries,
    timeout: p.timeout,
    timeoutMs: timeout.ok ? timeout.value : 0,
    range: p.range,
    config: Object.fromEntries(Object.entries(p.config.values).map(([k, v]) => [k, toPlain(v)])),
    cache: p.cache !== false,
  };
}
