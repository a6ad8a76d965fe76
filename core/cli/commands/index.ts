import type { Command } from '../command';

/**
 * Every command the CLI knows, in the order `--help` lists them. Each is loaded only when asked for, so a command does
 * not pay at start-up for the libraries of the others (the Docker client, ssh2, the app host).
 */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<Command>>> = {
  build: async () => (await import('./build')).buildCommand,
  cache: async () => (await import('./cache')).cacheCommand,
  cleanup: async () => (await import('./cleanup')).cleanupCommand,
  console: async () => (await import('./console')).consoleCommand,
  credentials: async () => (await import('./credentials')).credentialsCommand,
  fix: async () => (await import('./fix')).fixCommand,
  fmt: async () => (await import('./fmt')).fmtCommand,
  hcl2_upgrade: async () => (await import('./hcl2-upgrade')).hcl2UpgradeCommand,
  history: async () => (await import('./history')).historyCommand,
  inspect: async () => (await import('./inspect')).inspectCommand,
  serve: async () => (await import('./serve')).serveCommand,
  validate: async () => (await import('./validate')).validateCommand,
  version: async () => (await import('./version')).versionCommand,
};

export async function loadAllCommands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMAND_LOADERS).map((load) => load()));
}
