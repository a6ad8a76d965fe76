// Layering as in VS Code: core/ is plain Node and must never reach up into Electron or the app layers.
import tseslint from 'typescript-eslint';

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
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'core/ is plain Node: the CLI and tests share it. Host it from main/ instead.' }],
        patterns: [
          { group: ['electron/*'], message: 'core/ must not import Electron.' },
          { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'core/ is the bottom layer: it must not import main/, renderer/ or preload/.' },
        ],
      }],
    },
  },
  {
    // The renderer is browser code: it reaches the engine only through the contract (and the plain-TS definitions in
    // core/common it shares), never Node or the engine itself.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks to the host through the contract (preload), not Electron.' }],
        patterns: [
          { group: ['node:*'], message: 'The renderer runs in a browser: no Node modules.' },
          { group: ['**/main/**', '**/preload/**'], message: 'The renderer must not import the Electron layers.' },
          { group: ['**/core/*', '!**/core/contract', '!**/core/common', '**/core/*/**', '!**/core/contract/**', '!**/core/common/**'], message: 'The renderer may import only core/contract and core/common.' },
        ],
      }],
    },
  },
);
