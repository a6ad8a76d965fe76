/** The engine's public face for the CLI and the desktop app's main process: start a run, watch its events, answer, cancel. */
export { createRun, BuildRun, type RunOptions, type RunOutcome } from './engine';
export type { BuildOutcome } from './build';
export type { EngineEvent, EngineEventKind, ArtifactSummary, LeftBehind } from './events';
export { planRun, selectBuilds, selectPostProcessors, type Selection } from './plan';
export { parseOnError } from './on-error';
export { dataDir, runsDir, runLogPath, listRuns, RunLogReader, type RunLogFile } from './runlog';
export { builtinPlugins } from './builtin-plugins';
export { PluginRegistry } from './plugin';
export type { Builder, BuilderPlugin, Provisioner, ProvisionerPlugin, PostProcessor, PostProcessorPlugin, Communicator, Ui, BuildInfo, BuildState } from './plugin';
export type { Artifact } from './artifact';
export type { Step, StepResult, StepContext, Resource } from './steps';
