// `npm run bench [-- validate|engine|docker|docker-cache|ui-load|ui-logs|ui-typing|credentials|aws|history|ui-history|azure|qemu|all] [options]`: builds the CLI bundle, then runs the chosen benchmarks (default: validate).
// Options after the name go to the benchmark, e.g. `npm run bench -- validate --runs 3 --packer-cap 60`.
import { spawnSync } from 'node:child_process';
import { TSX_LOADER } from './tsx-loader.mjs';

const BENCHES = {
  validate: 'bench/validate.ts',
  engine: 'bench/engine-output.ts',
  docker: 'bench/docker-build.ts',
  'docker-cache': 'bench/docker-cache.ts',
  'ui-load': 'bench/ui-load.ts',
  'ui-logs': 'bench/ui-logs.ts',
  'ui-typing': 'bench/ui-typing.ts',
  credentials: 'bench/credentials.ts',
  aws: 'bench/aws-build.ts',
  history: 'bench/history.ts',
  'ui-history': 'bench/ui-history.ts',
  azure: 'bench/azure-build.ts',
  qemu: 'bench/qemu-build.ts',
};

const [first, ...rest] = process.argv.slice(2);
// `all` leaves out qemu: its builds take minutes of software-emulated boots.
const chosen = first === undefined || first.startsWith('-') ? ['validate'] : first === 'all' ? Object.keys(BENCHES).filter((b) => b !== 'qemu') : [first];
const args = first === undefined || first.startsWith('-') ? process.argv.slice(2) : rest;

for (const name of chosen) {
  if (!BENCHES[name]) {
    console.error(`unknown benchmark "${name}"; choose one of: ${Object.keys(BENCHES).join(', ')}, all`);
    process.exit(2);
  }
}

// Time what users run: the bundled CLI in dist/, rebuilt from the current sources.
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

for (const name of chosen) {
  const r = spawnSync(process.execPath, ['--import', TSX_LOADER, BENCHES[name], ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
