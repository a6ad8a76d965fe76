// Builds the renderer for the browser and Electron: renderer/main.tsx → dist/renderer/ (index.html, main.js, main.css,
// Monaco's codicon font and its editor worker). Everything is local: the page loads nothing from elsewhere.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const outdir = 'dist/renderer';
mkdirSync(outdir, { recursive: true });
const common = { bundle: true, platform: 'browser', target: 'chrome120', minify: process.env.BAKEHOUSE_RENDERER_MINIFY !== '0', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
await Promise.all([
  build({
    ...common,
    entryPoints: { main: 'renderer/main.tsx' },
    outdir,
    format: 'esm',
    // The welcome screen draws before Monaco has loaded: the workspace is a chunk of its own.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    jsx: 'automatic',
    tsconfig: 'tsconfig.web.json',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
    define: { 'process.env.NODE_ENV': '"production"' },
  }),
  build({ ...common, entryPoints: { 'editor.worker': 'monaco-editor/editor/editor.worker' }, outdir, format: 'iife' }),
]);
copyFileSync('renderer/index.html', `${outdir}/index.html`);
