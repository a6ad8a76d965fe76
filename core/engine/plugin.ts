/**
 * What a builder, provisioner, post-processor and communicator look like to the engine, and the registry that finds them by type.
 * Each plugin has Packer's three faces: a config schema (in its config.ts), `prepare` (validation, no side effects) and a run phase.
 */
import type { OutputStream } from '../common/output';
import type { PausePlace } from '../common/breakpoint';
import type { PromptAnswer, PromptReason } from '../common/prompt';
import type { Result } from '../common/result';
import type { ComponentConfig, PlannedBuild } from '../template/model';
import type { BuildCache } from '../cache/build-cache';
import type { Artifact } from './artifact';
import type { Step } from './steps';
import type { Terminal, TerminalSize } from './terminal';
import { ConfigFields } from './config-fields';

/** Facts about the build a plugin works for. */
export interface BuildInfo {
  /** Packer's PACKER_BUILD_NAME, `{{.BuildName}}` and the manifest's `name`: the source's name (`ubuntu` for `docker.ubuntu`). */
  name: string;
  /** The name the UI shows and events carry (`mybuild.docker.ubuntu`). */
  displayName: string;
  /** HCL2 templates print post-processors as "name (type t)", legacy JSON ones by type. */
  hcl2: boolean;
  /** Packer's PACKER_BUILDER_TYPE. */
  builderType: string;
  /** PACKER_RUN_UUID: shared by every build of one run. */
  runId: string;
  /** The environment commands inherit. */
  env: Record<string, string | undefined>;
  cwd: string;
  /** -force: overwrite existing outputs. */
  force: boolean;
}

/** How a plugin talks to the user: every call becomes an event of its build. */
export interface Ui {
  /** Packer's Say: a `==> build: …` line. */
  say(text: string): void;
  /** Packer's Message: an indented `    build: …` line. */
  message(text: string): void;
  error(text: string): void;
  /** One line a command printed. */
  output(stream: OutputStream, line: string): void;
  /**
   * Detail kept for the run log (a machine's serial console, say): Packer writes such lines only to its debug log, so the
   * CLI shows them only with PACKER_LOG set, while the run log and the app always have them.
   */
  log(text: string): void;
  /**
   * Asks the user and waits; resolves with `cleanup` (`continue` for a pause) if the run is cancelled meanwhile. `at`: the
   * provisioner or post-processor a `step` prompt pauses before.
   */
  ask(reason: PromptReason, text: string, choices: PromptAnswer[], at?: PausePlace): Promise<PromptAnswer>;
}

export interface CommandResult {
  exitCode: number;
}

/** Runs commands on the machine being built; the null builder has none (`communicator = "none"`). */
export interface Communicator {
  type: string;
  run(command: string, opts: { signal: AbortSignal; onLine(stream: OutputStream, line: string): void }): Promise<Result<CommandResult>>;
  upload(localPath: string, remotePath: string, signal: AbortSignal): Promise<Result>;
  download(remotePath: string, localPath: string, signal: AbortSignal): Promise<Result>;
  /**
   * Optional: `run` with `input` written to the command's standard input, which is not closed after it (through a proxy a
   * half-closed connection may lose the output): the command reads exactly input's length (`head -c N`). Lets a script be
   * sent and run in one round trip.
   */
  runWithInput?(
    command: string,
    input: Uint8Array,
    opts: {
      signal: AbortSignal;
      onLine(stream: OutputStream, line: string): void;
      /** Aborted: stop trying to reach the machine (start_retry_timeout), which never stops a command that started. */
      startSignal?: AbortSignal;
    },
  ): Promise<Result<CommandResult>>;
  /** Optional: an interactive shell with a pty on the machine, for a user looking inside a paused build. */
  openTerminal?(size: TerminalSize, signal: AbortSignal): Promise<Result<Terminal>>;
}

/**
 * What every build's steps share, and what the engine reads (`error`, `communicator`, `instanceId`, `generated`). A builder
 * extends it once with its own optional fields (`DockerState`); see the pattern in steps.ts.
 */
export interface BuildState {
  /** The error that halted the build, as Packer's state "error". */
  error?: string;
  communicator?: Communicator;
  /** The machine's id (Packer's `instance_id`), for `build.ID`. */
  instanceId?: string;
  /** Packer's generated data (`build.*`), shared with provisioners and post-processors. */
  generated: Record<string, string>;
  /** The build cache, when the run uses one: a builder that can snapshot its machine plans it (docker's StepCacheLookup). */
  cache?: BuildCache;
}

/**
 * `S` is the builder's state type. Its own fields are optional: the engine starts each build with a plain BuildState, and
 * the builder's steps fill in the rest.
 */
export interface Builder<S extends BuildState = BuildState> {
  /** The builder's steps in order, with `provision` (the engine's provisioning step) where provisioners should run. */
  steps(provision: Step<BuildState>): Step<S>[];
  /** The artifact once all steps succeeded; undefined means the build produced nothing. */
  artifact(state: S): Artifact | undefined;
}

export interface ProvisionContext {
  ui: Ui;
  signal: AbortSignal;
  build: BuildInfo;
  communicator?: Communicator;
  generated: Record<string, string>;
}

export interface Provisioner {
  provision(ctx: ProvisionContext): Promise<Result>;
}

export interface PostProcessContext {
  ui: Ui;
  /** Masks secrets in text the post-processor writes to disk (a manifest's custom_data). */
  mask(text: string): string;
  signal: AbortSignal;
  build: BuildInfo;
  generated: Record<string, string>;
}

/** Packer's PostProcess return: the new artifact, whether to keep the input by default, and whether that default overrides the user. */
export interface PostProcessResult {
  artifact?: Artifact;
  keep: boolean;
  forceOverride: boolean;
}

export interface PostProcessor {
  postProcess(ctx: PostProcessContext, input: Artifact): Promise<Result<PostProcessResult>>;
}

export interface BuilderPlugin {
  type: string;
  /** It serves provisioners from the build cache (docker, qemu): -resume is refused for a builder without. */
  cachesSteps?: boolean;
  prepare(config: ComponentConfig, build: BuildInfo): Result<Builder, string[]>;
}

export interface ProvisionerPlugin {
  type: string;
  prepare(config: ComponentConfig, build: BuildInfo): Result<Provisioner, string[]>;
  /**
   * Why this configuration needs the user's Packer (a setting Bakehouse does not carry out itself, e.g. powershell's
   * elevated_user), or undefined when Bakehouse runs it. The engine hands such builds to the bridge when Packer is there.
   */
  needsPacker?(config: ComponentConfig): string | undefined;
}

export interface PostProcessorPlugin {
  type: string;
  prepare(config: ComponentConfig, build: BuildInfo): Result<PostProcessor, string[]>;
}

/** Plugins by type; the CLI and the app start from `builtinPlugins()` (builtin-plugins.ts) and tests add their own. */
export class PluginRegistry {
  private readonly builders = new Map<string, BuilderPlugin>();
  private readonly provisioners = new Map<string, ProvisionerPlugin>();
  private readonly postProcessors = new Map<string, PostProcessorPlugin>();

  addBuilder(p: BuilderPlugin): this {
    this.builders.set(p.type, p);
    return this;
  }

  addProvisioner(p: ProvisionerPlugin): this {
    this.provisioners.set(p.type, p);
    return this;
  }

  addPostProcessor(p: PostProcessorPlugin): this {
    this.postProcessors.set(p.type, p);
    return this;
  }

  /**
   * Whether Bakehouse runs the whole build itself: every builder, provisioner and post-processor it uses is registered
   * here, none asks for Packer, and it does not talk WinRM (no native WinRM communicator yet: the bridge runs those).
   */
  buildsAll(plan: PlannedBuild): boolean {
    const provisioners = [...plan.provisioners, ...(plan.errorCleanupProvisioner ? [plan.errorCleanupProvisioner] : [])];
    if (new ConfigFields(plan.builder, plan.type).string('communicator') === 'winrm') return false;
    return (
      !!this.builder(plan.type) &&
      provisioners.every((p) => {
        const plugin = this.provisioner(p.type);
        return !!plugin && !plugin.needsPacker?.(p.config);
      }) &&
      plan.postProcessors.flat().every((p) => !!this.postProcessor(p.type))
    );
  }

  builder(type: string): BuilderPlugin | undefined {
    return this.builders.get(type);
  }

  provisioner(type: string): ProvisionerPlugin | undefined {
    return this.provisioners.get(type);
  }

  postProcessor(type: string): PostProcessorPlugin | undefined {
    return this.postProcessors.get(type);
  }
}
