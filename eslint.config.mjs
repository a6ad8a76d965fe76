// Layering as in VS Code: each layer imports only from below, and each rule below says which layer may import what.
// Type-only imports count too: a type borrowed from a higher layer is a dependency on it.
//
//   core/common    plain TS shared by every layer (result type, enum lists): imports nothing outside itself
//   core/contract  the UI ↔ host contract: core/common and zod only
//   core/          the engine, CLI and host: never Electron, main/, preload/ or renderer/
//   main/          Electron's main process: core/, never the renderer or the preload
//   preload/       the bridge: core/contract, core/common and Electron's renderer-side API only
//   renderer/      browser code: core/contract, core/common and its own files only
import tseslint from 'typescript-eslint';

const restrict = (...patterns) => ['error', { patterns }];

/** Up-and-out paths from anywhere in the repository to the two shared folders the UI layers may use. */
const UI_MAY_USE = String.raw`^(?:\.\./)+core/(?:contract|common)(?:/|$)`;

export default tseslint.config(
  { ignores: ['bin/**', 'dist/**', 'node_modules/**', 'out/**', 'release/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        { regex: '^electron(?:/|$)', message: 'core/ is plain Node: the CLI and tests share it. Host it from main/ instead.' },
        { regex: String.raw`^(?:\.\./)+(?:main|renderer|preload)(?:/|$)`, message: 'core/ is the bottom layer: it must not import main/, renderer/ or preload/.' },
      ),
    },
  },
  {
    // The contract is what the browser and the preload load: nothing of the engine may come with it.
    files: ['core/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        regex: String.raw`^(?!\./|\.\./common(?:/|$)|zod$)`,
        message: 'core/contract may import only itself, core/common and zod: declare what the wire needs here and let the host convert.',
      }),
    },
  },
  {
    files: ['core/common/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({ regex: String.raw`^(?!\./)`, message: 'core/common is plain TS that every layer uses: it imports nothing outside itself.' }),
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        regex: String.raw`^(?:\.\./)+(?:renderer|preload)(?:/|$)`,
        message: 'main/ hosts the contract; it reaches the renderer only through IPC, never by importing it or the preload.',
      }),
    },
  },
  {
    // A sandboxed preload gets Electron's renderer-side API and nothing else; it exposes the contract and no more.
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', allowImportNames: ['contextBridge', 'ipcRenderer', 'webUtils'], message: 'The preload may use only Electron’s renderer-side API.' }],
          patterns: [
            {
              regex: String.raw`^(?!\./|electron$)(?!${UI_MAY_USE.slice(1)})`,
              message: 'The preload may import only core/contract, core/common and Electron’s renderer-side API.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer is browser code: it reaches the engine only through the contract, never Node, Electron or the engine.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': restrict(
        { regex: '^electron(?:/|$)', message: 'The renderer talks to the host through the contract (preload), not Electron.' },
        { regex: '^node:', message: 'The renderer runs in a browser: no Node modules.' },
        { group: ['**/main/**', '**/preload/**'], message: 'The renderer must not import the Electron layers.' },
        { regex: String.raw`^(?:\.\./)+(?:core|bin|scripts|test)(?:/|$)(?!(?:contract|common)(?:/|$))`, message: 'The renderer may import only core/contract, core/common and its own files.' },
      ),
    },
  },
);
