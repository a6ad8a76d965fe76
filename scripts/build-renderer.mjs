// Builds the renderer for the browser and Electron: renderer/main.tsx → dist/renderer/ (index.html, main-<hash>.js and
// .css, the lazily loaded chunks, Monaco's codicon font and its editor worker). Everything is local: the page loads nothing
// from elsewhere.
// Names carry a content hash, so `bakehouse serve` can let the browser keep them for good; index.html (never cached) names
// the current ones and asks for the workspace chunks at once, so Monaco downloads and compiles while the page connects.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { refusePackages } from './bundle-guard.mjs';

const outdir = 'dist/renderer';
// Files of earlier builds would pile up under their old hashes.
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const common = { bundle: true, platform: 'browser', target: 'chrome120', minify: process.env.BAKEHOUSE_RENDERER_MINIFY !== '0', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
const [app] = await Promise.all([
  build({
    ...common,
    entryPoints: { main: 'renderer/main.tsx' },
    outdir,
    format: 'esm',
    // The welcome screen draws before Monaco has loaded: the workspace is a chunk of its own, the graph another.
    splitting: true,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    jsx: 'automatic',
    tsconfig: 'tsconfig.web.json',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    // The host checks every input; the page needs the contract's names and proxy, not its schemas.
    plugins: [refusePackages(['zod'], outdir)],
  }),
  build({ ...common, entryPoints: { 'editor.worker': 'monaco-editor/editor/editor.worker' }, outdir, format: 'iife' }),
]);

const outputs = app.metafile.outputs;
const url = (file) => `./${relative(outdir, file).split('\\').join('/')}`;
const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint === 'renderer/main.tsx');
const css = outputs[entry].cssBundle;
// The entry's static imports load with it; the workspace (Monaco) is the dynamic import the first click waits for. (Its
// styles are in the entry's CSS already: esbuild puts the CSS of dynamically imported code there too.)
const workspace = Object.keys(outputs).filter((f) => f.endsWith('.js') && basename(f).startsWith('Workspace-'));
const preload = new Set();
const walk = (file) => {
  for (const i of outputs[file]?.imports ?? []) {
    if (i.kind !== 'import-statement' || preload.has(i.path)) continue;
    preload.add(i.path);
    walk(i.path);
  }
};
for (const w of workspace) {
  preload.add(w);
  walk(w);
}
const tags = [
  ...(css ? [`<link rel="stylesheet" href="${url(css)}" />`] : []),
  `<script type="module" src="${url(entry)}"></script>`,
  ...[...preload].map((p) => `<link rel="modulepreload" href="${url(p)}" />`),
];
const html = readFileSync('renderer/index.html', 'utf8').replace('<!-- assets -->', tags.join('\n    '));
if (html.includes('<!-- assets -->') || !html.includes(url(entry))) throw new Error('renderer/index.html lacks the <!-- assets --> marker');
writeFileSync(`${outdir}/index.html`, html);

// Gzipped copies of the larger scripts and styles, made once here rather than on every request: `bakehouse serve` sends
// them to browsers that accept gzip (a quarter of the bytes; Monaco's chunk is 3.7 MB).
const compress = (dir) => {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) compress(file);
    else if (/\.(js|css)$/.test(name) && statSync(file).size > 16 * 1024) writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION }));
  }
};
compress(outdir);
