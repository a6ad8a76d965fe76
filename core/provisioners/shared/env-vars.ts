/**
 * `{{.Vars}}` of Packer's script provisioners (shell, windows-shell): the variables Packer always provides, then
 * environment_vars, then the `env` map, sorted by name and each written with env_var_format.
 */
import type { BuildInfo } from '../../engine/plugin';

/** The builder's values Packer passes on as PACKER_HTTP_*, when the builder has an HTTP server. */
const HTTP_VARS = [
  ['PackerHTTPAddr', 'PACKER_HTTP_ADDR'],
  ['PackerHTTPIP', 'PACKER_HTTP_IP'],
  ['PackerHTTPPort', 'PACKER_HTTP_PORT'],
] as const;

/** Packer's builders without an HTTP server say so in these values instead of leaving them out. */
const NOT_IMPLEMENTED = /^ERR_HTTP_(ADDR|IP|PORT)_NOT_IMPLEMENTED_BY_BUILDER$/;

/** PACKER_BUILD_NAME, PACKER_BUILDER_TYPE and the PACKER_HTTP_* the builder provided. */
export function packerEnvVars(build: BuildInfo, generated: Record<string, string>): Map<string, string> {
  const vars = new Map<string, string>([
    ['PACKER_BUILD_NAME', build.name],
    ['PACKER_BUILDER_TYPE', build.builderType],
  ]);
  for (const [key, name] of HTTP_VARS) {
    const value = generated[key];
    if (value && !NOT_IMPLEMENTED.test(value)) vars.set(name, value);
  }
  return vars;
}

/** The variables sorted by name, each formatted with `format` (Go's Sprintf with the name and the value). */
export function flattenEnvVars(vars: ReadonlyMap<string, string>, format: string): string {
  return [...vars.keys()]
    .sort()
    .map((k) => goSprintf(format, [k, vars.get(k) ?? '']))
    .join('');
}

/** Enough of Go's Sprintf for env_var_format: `%s` in order, `%%` a percent sign. */
export function goSprintf(format: string, args: string[]): string {
  let i = 0;
  return format.replace(/%[s%]/g, (m) => (m === '%%' ? '%' : (args[i++] ?? '%!s(MISSING)')));
}
