// ES module builds read `import.meta.url`, which a CommonJS bundle does not have (esbuild leaves it undefined):
// @azure/storage-common's CRC-64 code calls createRequire() with it as soon as it loads. In the CLI and the Electron main
// bundles it becomes the bundle's own file URL.
export const IMPORT_META_URL = {
  define: { 'import.meta.url': '__bakehouseBundleUrl' },
  banner: { js: "var __bakehouseBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};
