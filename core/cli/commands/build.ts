/** `bakehouse build`: Packer's build command over the engine — flags, rendering, prompts, signals and exit codes. */
import { resumeProblem } from '../../engine/resume';
import { resolve } from 'node:path';
import { parseCredentialBinding, type CredentialBinding } from '../../credentials/build-bindings';
import { runCredentials } from '../../credentials/for-build';
import { packerLogEnabled } from '../../engine/packer-log';
import { bridgeFor } from '../../packer-bridge/install';
import { createRun } from '../../engine/engine';
import type { EngineEvent } from '../../engine/events';
import { parseOnError } from '../../engine/on-error';
import { planRun } from '../../engine/plan';
import { PluginRegistry, type BuilderPlugin, type PostProcessorPlugin, type ProvisionerPlugin } from '../../engine/plugin';
import { dataDir } from '../../engine/runlog';
import { cacheDir } from '../../cache/store';
import { keepCacheUnderCap } from './cache';
import { AppDataDir } from '../../app/data-dir';
import { retentionOf } from '../../app/history';
import { History } from '../../history/history';
import { recordedInputs, recordedPlaces, recordedTemplate, recordedVariables, templateHash } from '../../history/run-inputs';
import { loadTemplateRunningDataSources } from '../../template/load';
import type { PlannedBuild } from '../../template/model';
import { COLOR_FLAG, ONLY_EXCEPT_FLAGS, VAR_FLAGS, type CliIO, type Command } from '../command';
import { renderDiagnostics } from '../diagnostics';
import { hcpPublishingWarning } from '../hcp-packer';
import { flagBool, flagInt, flagList, flagString, type ParsedArgs } from '../flags';
import { templateArgs } from '../template-args';
import { StdinPrompts } from '../ui/prompts';
import { attachShell, DEFAULT_TERMINAL_SIZE } from '../ui/shell';
import { debugStepProblem } from '../debug-step';
import { PackerRenderer } from '../ui/renderer';

export interface BuildCommandHooks {
  registry?: PluginRegistry;
  /** Where SIGINT/SIGTERM come from; tests pass an EventEmitter. */
  signals?: NodeJS.EventEmitter;
  dataDir?: string | false;
}

export const buildCommand: Command = {
  name: 'build',
  synopsis: 'Build image(s) from template',
  usage: '[options] TEMPLATE',
  flags: [
    ...ONLY_EXCEPT_FLAGS,
    ...VAR_FLAGS,
    COLOR_FLAG,
    {
      name: 'credential',
      kind: 'list',
      description: "Use a stored credential: BUILDS=NAME (a glob over build names, e.g. 'amazon-ebs.*=prod') var.VARIABLE=NAME for a secret, or data.TYPE.NAME=NAME for a data source; can be used multiple times.",
      placeholder: 'builds=name',
    },
    { name: 'cache', kind: 'bool', description: 'Use the build cache: steps whose inputs did not change are not run again (Default: true; -cache=false turns it off).' },
    { name: 'debug', kind: 'bool', description: 'Debug mode enabled for builds.' },
    {
      name: 'debug-step',
      kind: 'list',
      description:
        "Pause before the provisioners and post-processors this names (a glob over their name, or their type when unnamed): continue, step to the next, abort, or open a shell on the machine. Can be used multiple times.",
      placeholder: 'name',
    },
    { name: 'force', kind: 'bool', description: 'Force a build to continue if artifacts exist, deletes existing artifacts.' },
    { name: 'machine-readable', kind: 'bool', description: 'Produce machine-readable output.' },
    { name: 'on-error', kind: 'string', description: 'If the build fails do: clean up (default), abort, ask, or run-cleanup-provisioner.', placeholder: 'cleanup' },
    { name: 'resume', kind: 'bool', description: 'Resume a failed docker or qemu build after its last cached step (needs the build cache).' },
    { name: 'parallel-builds', kind: 'int', description: 'Number of builds to run in parallel. 0 means no limit (Default: 0).', placeholder: '0' },
    { name: 'timestamp-ui', kind: 'bool', description: 'Enable prefixing of each ui output with an RFC3339 timestamp.' },
  ],
  run: (args, io) => runBuildCommand(args, io),
};

export async function runBuildCommand(args: ParsedArgs, io: CliIO, hooks: BuildCommandHooks = {}): Promise<number> {
  const t = templateArgs('build', args, io);
  if (!t.ok) {
    io.stderr(`${t.error}\n`);
    return 1;
  }
  const onError = parseOnError(flagString(args, 'on-error'));
  if (!onError.ok) {
    io.stderr(`bakehouse build: ${onError.error}\n`);
    return 1;
  }
  const bindings: CredentialBinding[] = [];
  for (const text of flagList(args, 'credential')) {
    const b = parseCredentialBinding(text);
    if (!b.ok) {
      io.stderr(`bakehouse build: ${b.error}\n`);
      return 1;
    }
    bindings.push(b.value);
  }
  const credentials = await runCredentials(bindings, io.env);
  if (!credentials.ok) {
    io.stderr(`bakehouse build: ${credentials.error}\n`);
    return 1;
  }
  // Bound secrets come before the command line's own -var (which still wins); a bridged build's Packer gets them the same
  // way as the typed variables (its environment or a private var file), never on its command line.
  const loaded = await loadTemplateRunningDataSources(t.value.path, {
    ...t.value.options,
    requireBuild: true,
    // Packer prepares every builder before building: an ISO's `file:` checksum is downloaded and checked first.
    checksumFiles: 'fetch',
    vars: [...credentials.value.vars, ...(t.value.options.vars ?? [])],
    completeBuilder: credentials.value.completeBuilder,
    completeDataSource: credentials.value.completeDataSource,
  });
  // A data-source binding with a typo would let the data source run without it: said before its own errors.
  const dataBound = credentials.value.checkDataSources(loaded.model?.dataSources ?? []);
  if (!dataBound.ok) {
    io.stderr(`bakehouse build: ${dataBound.error}\n`);
    return 1;
  }
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const hcp = loaded.model && hcpPublishingWarning(loaded.model, io.env);
  const diagnostics = hcp ? [...loaded.diagnostics, hcp] : loaded.diagnostics;
  if (diagnostics.length > 0) {
    const text = renderDiagnostics(diagnostics, { sources: loaded.sources, color: io.color });
    if (errors.length > 0) io.stderr(text);
    else io.stdout(text);
  }
  if (errors.length > 0 || !loaded.model) return 1;
  const model = loaded.model;
  const planned = planRun(
    model.builds.flatMap((b) => b.builds),
    { only: t.value.options.only ?? [], except: t.value.options.except ?? [] },
  );
  const injected = credentials.value.inject(planned);
  if (!injected.ok) {
    io.stderr(`bakehouse build: ${injected.error}\n`);
    return 1;
  }
  const builds = injected.value.builds;
  const debugSteps = flagList(args, 'debug-step');
  const unknownStep = debugStepProblem(debugSteps, builds);
  if (unknownStep) {
    io.stderr(`bakehouse build: ${unknownStep}\n`);
    return 1;
  }

  const machineReadable = flagBool(args, 'machine-readable');
  const renderer = new PackerRenderer({ write: io.stdout, color: io.color && !machineReadable, machineReadable, timestamps: flagBool(args, 'timestamp-ui'), verbose: packerLogEnabled(io.env) });
  const registry = hooks.registry ?? (await pluginsFor(builds));
  const useCache = flagBool(args, 'cache', true);
  const resume = flagBool(args, 'resume');
  if (resume && !useCache) {
    io.stderr('-resume needs the build cache: it resumes after the last cached step; drop -cache=false\n');
    return 1;
  }
  const cannotResume = resume ? resumeProblem(builds, registry) : undefined;
  if (cannotResume) {
    io.stderr(`${cannotResume}\n`);
    return 1;
  }
  const base = hooks.dataDir === undefined ? dataDir(io.env) : hooks.dataDir;
  const cacheOption = useCache && base !== false ? { dir: cacheDir(base), resume } : undefined;
  const secrets = [...model.sensitiveStrings, ...injected.value.secrets, ...credentials.value.secrets];
  const run = createRun({
    builds,
    registry,
    bridge: bridgeFor(builds, registry, { path: t.value.path, format: model.format, vars: t.value.options.vars, varFiles: t.value.options.varFiles }, io.env, {
      secretVars: credentials.value.vars,
      credentialEnv: (plan) => credentials.value.bridgeEnv(plan),
    }),
    sensitiveStrings: secrets,
    parallelBuilds: flagInt(args, 'parallel-builds', 0),
    onError: onError.value,
    force: flagBool(args, 'force'),
    debug: flagBool(args, 'debug'),
    env: io.env,
    cwd: io.cwd,
    dataDir: hooks.dataDir,
    breakpoints: debugSteps.map((name) => ({ name })),
    cache: cacheOption,
  });
  const prompts = new StdinPrompts({
    stdin: io.stdin,
    say: io.stdout,
    // A shell needs the user's keys one by one: only offered when standard input is a terminal.
    openShell: io.stdinIsTTY
      ? async (e) => {
          const opened = await run.openTerminal(e.promptId, io.tty?.size() ?? DEFAULT_TERMINAL_SIZE);
          if (!opened.ok) return io.stderr(`Could not open a shell: ${opened.error}\n`);
          io.stdout(`Opened a shell on the machine of ${e.build}; type exit to come back to the question.\n`);
          await attachShell(opened.value, { input: io.stdin, write: io.stdout, tty: io.tty });
          io.stdout('\nThe shell ended.\n');
        }
      : undefined,
  });
  const history = await recordInHistory(run, hooks.dataDir === undefined ? dataDir(io.env) : hooks.dataDir, io, () => {
    const variables = recordedVariables(loaded, secrets);
    return {
      // Absolute, so the app's History finds the runs of the template it has open.
      template: resolve(io.cwd, t.value.path),
      templateHash: templateHash(loaded.sources),
      templateFiles: recordedTemplate(loaded, secrets),
      places: recordedPlaces(builds),
      startedBy: 'cli',
      startedAt: Date.now(),
      builds: builds.map((b) => b.name),
      variables,
      inputs: recordedInputs({ only: t.value.options.only, except: t.value.options.except, onError: onError.value, vars: t.value.options.vars }, variables, secrets),
    };
  });
  if (flagBool(args, 'debug')) io.stdout('Debug mode enabled. Builds will not be parallelized.\n');
  run.subscribe((e: EngineEvent) => {
    renderer.handle(e);
    if (e.kind === 'prompt') void prompts.answer(e).then((answer) => run.answerPrompt(e.promptId, answer));
  });

  const signals = hooks.signals ?? process;
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    io.stderr(
      interrupts === 1
        ? 'Interrupt received: cancelling builds and cleaning up. Interrupt again to stop waiting for cleanup.\n'
        : 'Second interrupt: no longer waiting for cleanup; anything left behind is listed below.\n',
    );
    run.cancel();
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  try {
    const outcome = await run.start();
    if (outcome.cancelled) io.stderr('Cleanly cancelled builds after being interrupted.\n');
    const code = outcome.result === 'succeeded' ? 0 : 1;
    // After a second interrupt an abandoned cleanup (a hung daemon call) may still hold the event loop open: the user asked
    // to stop waiting, so leave once the output is written. The timer does not keep an otherwise finished process alive.
    if (interrupts >= 2 && signals === process) setTimeout(() => process.exit(code), 200).unref();
    return code;
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    prompts.close();
    if (cacheOption && base !== false) await keepCacheUnderCap(base, io);
    if (history) {
      // The app's retention setting holds for CLI builds too: the data folder is one.
      history.prune(retentionOf(new AppDataDir(history.dataDir).readSettings()));
      history.close();
    }
  }
}

/** Opens the data folder's history and records the run in it; a history that cannot be opened is a warning, not a failed build. */
async function recordInHistory(
  run: ReturnType<typeof createRun>,
  base: string | false,
  io: CliIO,
  describe: () => Parameters<History['record']>[1],
): Promise<History | undefined> {
  if (base === false) return undefined;
  const opened = await History.open(base);
  if (!opened.ok) {
    io.stderr(`bakehouse build: the build history is not recorded: ${opened.error}\n`);
    return undefined;
  }
  opened.value.record(run, describe(), (message) => io.stderr(`bakehouse build: ${message}\n`));
  return opened.value;
}

type Loaders<P> = Readonly<Record<string, () => Promise<P>>>;

/**
 * Plugins loaded on demand, so a Docker build does not load (and initialise) ssh2, QEMU or VirtualBox code it never uses.
 * The same plugin objects builtinPlugins() registers; a type missing here (a plugin registered there since) makes the
 * build load the full registry instead, so this list can only make a build faster, never break one.
 */
const LAZY_PLUGINS: { builders: Loaders<BuilderPlugin>; provisioners: Loaders<ProvisionerPlugin>; postProcessors: Loaders<PostProcessorPlugin> } = {
  builders: {
    docker: async () => (await import('../../builders/docker/builder')).dockerBuilder,
    'amazon-ebs': async () => (await import('../../builders/amazon-ebs/builder')).amazonEbsBuilder,
    googlecompute: async () => (await import('../../builders/googlecompute/builder')).googlecomputeBuilder,
  },
  provisioners: {
    shell: async () => (await import('../../provisioners/shell/provisioner')).shellProvisioner,
    file: async () => (await import('../../provisioners/file/provisioner')).fileProvisioner,
    'shell-local': async () => (await import('../../provisioners/shell-local/provisioner')).shellLocalProvisioner,
    breakpoint: async () => (await import('../../provisioners/breakpoint/provisioner')).breakpointProvisioner,
  },
  postProcessors: {
    'docker-tag': async () => (await import('../../post-processors/docker-tag/post-processor')).dockerTagPostProcessor,
    'docker-push': async () => (await import('../../post-processors/docker-push/post-processor')).dockerPushPostProcessor,
    'docker-save': async () => (await import('../../post-processors/docker-save/post-processor')).dockerSavePostProcessor,
    'docker-import': async () => (await import('../../post-processors/docker-import/post-processor')).dockerImportPostProcessor,
    manifest: async () => (await import('../../post-processors/manifest/post-processor')).manifestPostProcessor,
    checksum: async () => (await import('../../post-processors/checksum/post-processor')).checksumPostProcessor,
    'shell-local': async () => (await import('../../post-processors/shell-local/post-processor')).shellLocalPostProcessor,
    upload: async () => (await import('../../post-processors/upload/post-processor')).uploadPostProcessor,
    'amazon-import': async () => (await import('../../post-processors/amazon-import/post-processor')).amazonImportPostProcessor,
  },
};

/** The plugins `builds` use; the full built-in registry when one of them is not in LAZY_PLUGINS. */
export async function pluginsFor(builds: readonly PlannedBuild[]): Promise<PluginRegistry> {
  const builders = new Set(builds.map((b) => b.type));
  const provisioners = new Set(builds.flatMap((b) => [...b.provisioners, ...(b.errorCleanupProvisioner ? [b.errorCleanupProvisioner] : [])].map((p) => p.type)));
  const postProcessors = new Set(builds.flatMap((b) => b.postProcessors.flat().map((p) => p.type)));
  const known = <P>(types: Set<string>, loaders: Loaders<P>) => [...types].every((t) => Object.hasOwn(loaders, t));
  if (!known(builders, LAZY_PLUGINS.builders) || !known(provisioners, LAZY_PLUGINS.provisioners) || !known(postProcessors, LAZY_PLUGINS.postProcessors)) {
    return (await import('../../engine/builtin-plugins')).builtinPlugins();
  }
  const registry = new PluginRegistry();
  const [b, p, pp] = await Promise.all([
    Promise.all([...builders].map((t) => LAZY_PLUGINS.builders[t]())),
    Promise.all([...provisioners].map((t) => LAZY_PLUGINS.provisioners[t]())),
    Promise.all([...postProcessors].map((t) => LAZY_PLUGINS.postProcessors[t]())),
  ]);
  b.forEach((x) => registry.addBuilder(x));
  p.forEach((x) => registry.addProvisioner(x));
  pp.forEach((x) => registry.addPostProcessor(x));
  return registry;
}
