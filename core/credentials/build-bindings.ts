/**
 * `bakehouse build -credential 'amazon-ebs.*=prod'`: which credential each build uses. The left side is a glob over build
 * names, matched as -only matches them (`*`, `?`, `[…]`, `{a,b}`; a build answers to its full name and, in HCL2, to
 * `type.source`); `var.NAME=cred` gives a sensitive variable the value of a `secret` credential instead. The binding holds
 * names only: the secrets are read from the vault when the build starts (`inject.ts`).
 */
import { err, ok, type Result } from '../common/result';
import { matchesAny } from '../engine/glob';
import { buildNames } from '../engine/plan';
import type { BuildIdentity, PlannedBuild } from '../template/model';
import { checkName } from './vault';

export interface CredentialBinding {
  /** A glob over build names, or `var.NAME` for a variable. */
  target: string;
  credential: string;
}

/** Which credentials each build and variable takes: build name → credential names, variable name → credential name. */
export interface BoundCredentials {
  sources: Record<string, string[]>;
  variables: Record<string, string>;
}

const VARIABLE_TARGET = /^var\.([A-Za-z_][A-Za-z0-9_-]*)$/;
/** `data.TYPE.NAME` (a glob): a data source, which runs while the template loads, before any build is planned. */
const DATA_TARGET = /^data\./;

export function isDataTarget(target: string): boolean {
  return DATA_TARGET.test(target);
}

/** The credentials bound to one data source, by `data.TYPE.NAME`. */
export function credentialsBoundToData(dataSource: { type: string; name: string }, bindings: readonly CredentialBinding[]): string[] {
  const name = `data.${dataSource.type}.${dataSource.name}`;
  return [...new Set(bindings.filter((b) => isDataTarget(b.target) && matchesAny(name, [b.target])).map((b) => b.credential))];
}

/** A data-source binding that reaches none of the template's data sources is an error, as one reaching no build is. */
export function checkDataBindings(dataSources: ReadonlyArray<{ type: string; name: string }>, bindings: readonly CredentialBinding[]): Result<void, string> {
  const names = dataSources.map((d) => `data.${d.type}.${d.name}`);
  for (const b of bindings.filter((x) => isDataTarget(x.target))) {
    if (!names.some((n) => matchesAny(n, [b.target]))) return err(`-credential '${b.target}=${b.credential}' matches no data source of this template (its data sources: ${names.join(', ') || 'none'})`);
  }
  return ok(undefined);
}

/** One `-credential TARGET=NAME`. */
export function parseCredentialBinding(text: string): Result<CredentialBinding, string> {
  const eq = text.lastIndexOf('=');
  const target = eq < 0 ? '' : text.slice(0, eq).trim();
  const credential = eq < 0 ? '' : text.slice(eq + 1).trim();
  if (target === '' || credential === '') return err(`-credential "${text}": write it as BUILDS=CREDENTIAL (e.g. 'amazon-ebs.*=prod') or var.NAME=CREDENTIAL`);
  const bad = checkName(credential);
  if (bad) return err(`-credential "${text}": ${bad}`);
  return ok({ target, credential });
}

/** The names of the credentials bound to one build (before it is planned: the loader completes its builder with them). */
export function credentialsBoundTo(build: BuildIdentity, bindings: readonly CredentialBinding[]): string[] {
  const names = buildNames(build);
  return [...new Set(bindings.filter((b) => !VARIABLE_TARGET.test(b.target) && !isDataTarget(b.target) && names.some((n) => matchesAny(n, [b.target]))).map((b) => b.credential))];
}

/** The builds and variables each binding reaches; a binding that reaches no build is an error (a typo would build without it). */
export function bindingsFor(builds: readonly PlannedBuild[], bindings: readonly CredentialBinding[]): Result<BoundCredentials, string> {
  const out: BoundCredentials = { sources: {}, variables: {} };
  for (const b of bindings) {
    const variable = VARIABLE_TARGET.exec(b.target);
    if (variable) {
      const earlier = out.variables[variable[1]];
      if (earlier !== undefined && earlier !== b.credential) return err(`-credential: variable ${variable[1]} is bound to both "${earlier}" and "${b.credential}"`);
      out.variables[variable[1]] = b.credential;
      continue;
    }
    if (isDataTarget(b.target)) continue;
    const reached = builds.filter((build) => buildNames(build).some((n) => matchesAny(n, [b.target])));
    if (reached.length === 0) {
      return err(`-credential '${b.target}=${b.credential}' matches no build of this run (its builds: ${builds.map((x) => x.name).join(', ') || 'none'})`);
    }
    for (const build of reached) {
      const names = (out.sources[build.name] ??= []);
      if (!names.includes(b.credential)) names.push(b.credential);
    }
  }
  return ok(out);
}
