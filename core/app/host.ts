/**
 * The host: the contract's services over the core, behind one door. Every transport (Electron IPC, the WebSocket of
 * `bakehouse serve`, tests) calls them through `fromService` (core/contract/bind.ts), which checks each input once and
 * turns exceptions into failed results.
 */
import { enforceCacheCap } from '../cache/cap';
import { cacheImagesOf } from '../cache/disk-snapshots';
import { useExternalComponents } from '../components/external';
import { externalLookup } from '../packer-bridge/install';
import { join } from 'node:path';
import { ok } from '../common/result';
import { fromService } from '../contract/bind';
import type { RunEventBatch } from '../contract/events';
import type { TerminalOutput } from '../contract/terminal';
import type { ContractApi } from '../contract/methods';
import type { Result } from '../contract/result';
import type { PluginRegistry } from '../engine/plugin';
import { BuildService } from './builds';
import { CredentialService } from './credentials';
import { AppDataDir } from './data-dir';
import { HistoryService } from './history';
import { editTemplate, writtenAttributes } from './graph-edit/edit';
import { completions, definition, hover } from './language';
import { pathResolver } from './paths';
import { SteppingService } from './stepping';
import { TemplateService } from './templates';
import { componentForm } from './templates-schema';
import { WorkspaceService } from './workspace';

export interface HostOptions {
  /** The app data folder; default: the engine's data folder for this user (`$BAKEHOUSE_DATA_DIR`, XDG, ~/.local/share). */
  dataDir?: string;
  /** Environment for `PKR_VAR_*`, `env()` and builds; default: process.env. */
  env?: Record<string, string | undefined>;
  registry?: PluginRegistry;
  /** Relative paths from the UI are read from here (default: process.cwd()) … */
  cwd?: string;
  /** … or, when nothing is there, from the app's folder, where `resources/examples` lives. */
  appRoot?: string;
}

export interface Host {
  /** The contract, typed and called in process, through the same checks as every transport. */
  handlers: ContractApi;
  /** Calls a method by its wire name (`templates.open`) with unchecked input; unknown names fail as results too. */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  subscribeRun(runId: string, listener: (batch: RunEventBatch) => void): () => void;
  /** Receives a terminal's output (opened with `stepping.openTerminal`) until it ends. */
  subscribeTerminal(terminalId: string, listener: (output: TerminalOutput) => void): () => void;
  /** Resolves when a run has ended and its last batch went out. */
  whenRunDone(runId: string): Promise<void>;
  /** Cancels running builds and waits for their cleanup. */
  dispose(): Promise<void>;
}

export function createHost(opts: HostOptions = {}): Host {
  const env = opts.env ?? process.env;
  // The editor's diagnostics know the types the user's Packer adds, as `bakehouse validate` does.
  useExternalComponents(externalLookup(env));
  const data = opts.dataDir ? new AppDataDir(opts.dataDir) : AppDataDir.fromEnv(env);
  const resolvePath = pathResolver(opts.cwd ?? process.cwd(), opts.appRoot);
  const templates = new TemplateService({ data, env, resolvePath, appExamples: opts.appRoot ? join(opts.appRoot, 'resources', 'examples') : undefined });
  const workspace = new WorkspaceService(data);
  const credentials = new CredentialService({ data, env, resolvePath });
  const history = new HistoryService(data);
  // The builds service reads the template's breakpoints from the stepping service, which finds runs through it.
  const builds: BuildService = new BuildService({
    data,
    env,
    registry: opts.registry,
    defaultOnError: () => data.readSettings().defaultOnError,
    resolvePath,
    boundCredentials: (template, buildNames) => credentials.forBuild(template, buildNames),
    history,
    onRunFinished: () => {
      const settings = data.readSettings();
      void history.applyRetention(settings);
      // As the CLI does after a build; a prune that fails costs disk space, never the run.
      void keepAppCacheUnderCap(data.path, settings.cacheMaxMb, env).catch((e: Error) => process.emitWarning(`Could not keep the build cache under ${settings.cacheMaxMb} MB: ${e.message}`));
    },
    breakpoints: (template) => stepping.breakpointsFor(template).map((at) => ({ at })),
  });
  const stepping: SteppingService = new SteppingService(data.path, resolvePath, builds);

  const services: ContractApi = {
    templates: {
      open: async ({ path }) => templates.open(path),
      save: async ({ filename, text }) => templates.save(filename, text),
      analyze: async ({ root, files, vars }) => templates.analyze(root, files, vars),
      diagnostics: async ({ root, files, vars }) => templates.diagnostics(root, files, vars),
      format: async ({ filename, text }) => templates.format(filename, text),
      completions: async ({ files, position }) => ok(completions(files, position)),
      hover: async ({ files, position }) => ok(hover(files, position)),
      definition: async ({ files, position }) => ok(definition(files, position)),
      edit: async ({ files, edit }) => editTemplate(files, edit),
      attributes: async ({ filename, text, range }) => ok(writtenAttributes(filename, text, range)),
      schema: async ({ kind, type }) => ok(componentForm(kind, type)),
    },
    builds: {
      start: async (input) => builds.start(input),
      cancel: async ({ runId }) => builds.cancel(runId),
      answerPrompt: async ({ runId, promptId, answer }) => builds.answerPrompt(runId, promptId, answer),
      listRuns: async () => builds.listRuns(),
      readLog: async ({ runId, offset, count }) => builds.readLog(runId, offset, count),
    },
    workspace: {
      recentFiles: async () => workspace.recentFiles(),
      getSettings: async () => workspace.getSettings(),
      setSettings: async (change) => {
        const r = workspace.setSettings(change);
        // A shorter retention takes effect at once, not at the next build.
        if (r.ok && (change.historyKeepRuns !== undefined || change.historyKeepDays !== undefined)) await history.applyRetention(r.value);
        return r;
      },
    },
    history: {
      list: async (query) => history.list(query),
      show: async ({ runId }) => history.detail(runId),
    },
    credentials: {
      status: async () => credentials.status(),
      unlock: async ({ passphrase }) => credentials.unlock(passphrase),
      list: async () => credentials.list(),
      add: async ({ kind, name, fields }) => credentials.add(kind, name, fields),
      edit: async ({ name, fields }) => credentials.edit(name, fields),
      remove: async ({ name }) => credentials.remove(name),
      test: async ({ name, target }) => credentials.test(name, target),
      import: async ({ source, path }) => credentials.import(source, path),
      bindings: async ({ template }) => credentials.bindings(template),
      setBindings: async ({ template, sources, variables }) => credentials.setBindings(template, sources, variables),
    },
    stepping: {
      breakpoints: async ({ template }) => stepping.breakpoints(template),
      setBreakpoints: async ({ template, breakpoints }) => stepping.setBreakpoints(template, breakpoints),
      openTerminal: async ({ runId, promptId, cols, rows }) => stepping.openTerminal(runId, promptId, { cols, rows }),
      terminalInput: async ({ terminalId, data }) => stepping.input(terminalId, data),
      resizeTerminal: async ({ terminalId, cols, rows }) => stepping.resize(terminalId, { cols, rows }),
      closeTerminal: async ({ terminalId }) => stepping.close(terminalId),
    },
  };

  const bound = fromService(services);

  return {
    handlers: bound.api,
    call: bound.call,
    subscribeRun: (runId, listener) => builds.subscribe(runId, listener),
    subscribeTerminal: (terminalId, listener) => stepping.subscribe(terminalId, listener),
    whenRunDone: (runId) => builds.whenDone(runId),
    dispose: async () => {
      await stepping.dispose();
      await builds.dispose();
      await history.dispose();
    },
  };
}

/** The cache cap after an app run: Docker images and disk snapshots (dockerode loaded only when there is a cap). */
async function keepAppCacheUnderCap(dataPath: string, capMb: number, env: Record<string, string | undefined>): Promise<void> {
  if (capMb <= 0) return;
  const [{ DockerDriver }, { dockerCacheImages }] = await Promise.all([import('../builders/docker/driver'), import('../builders/docker/cache-images')]);
  await enforceCacheCap(dataPath, capMb, cacheImagesOf(async () => dockerCacheImages(DockerDriver.fromEnv(env))));
}
