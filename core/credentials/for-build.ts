/**
 * The credentials a run binds, ready for the build: read once when the build starts (from the vault, its key from the
 * OS keyring or BAKEHOUSE_VAULT_PASSPHRASE — a build never stops to ask — or in CI mode from the environment), then
 * handed to template loading (secret variables and `completeBuilder`) and, once the builds are planned, injected into
 * them. `bakehouse build -credential` and the app's build panel (its per-template bindings, as CredentialBindings with
 * exact build names) go through the same `runCredentials`.
 */
import { err, ok, type Result } from '../common/result';
import type { BuildIdentity, LoadOptions, PlannedBuild } from '../template/model';
import { bindingsFor, checkDataBindings, credentialsBoundTo, credentialsBoundToData, isDataTarget, type CredentialBinding } from './build-bindings';
import { withHelperLogin } from './docker-helper';
import { credentialsFromEnv, credentialsFromEnvWanted } from './from-env';
import { credentialVariables, injectCredentials, injectIntoBuilder, injectIntoDataSource, type InjectedBuilds } from './inject';
import { secretValues } from './schema';
import { Vault, type Credential } from './vault';

export interface RunCredentials {
  /** Values for the bound variables, to come before the user's own -var (which still win); never for a command line. */
  vars: Array<[string, string]>;
  completeBuilder: NonNullable<LoadOptions['completeBuilder']>;
  /** Bound credentials into a data source's config before it runs (`-credential 'data.amazon-ami.*=prod'`). */
  completeDataSource: NonNullable<LoadOptions['completeDataSource']>;
  /** An error when a data-source binding reaches none of the template's data sources. */
  checkDataSources(dataSources: ReadonlyArray<{ type: string; name: string }>): Result<void, string>;
  /** Puts the credentials into the planned builds; an error when a binding reaches no build or fits nothing in one. */
  inject(builds: readonly PlannedBuild[]): Result<InjectedBuilds, string>;
  /**
   * The environment a build handed to the user's Packer reads its bound credentials from (the bridge cannot inject fields
   * into a template Packer reads itself): an amazon credential as the AWS SDK's own variables, which Packer's amazon
   * plugins read after the template's fields — the same order as a native build. Never argv.
   */
  bridgeEnv(build: BuildIdentity): Record<string, string>;
  /** Every secret value read, for the run's masker. */
  secrets: string[];
}

const NONE: RunCredentials = { vars: [], completeBuilder: (_build, config) => config, completeDataSource: (_d, config) => config, checkDataSources: () => ok(undefined), inject: (builds) => ok({ builds: [...builds], secrets: [] }), bridgeEnv: () => ({}), secrets: [] };

/** An amazon credential as the variables of the AWS SDKs' default chain (Packer's amazon plugins read them). */
function amazonEnv(c: Credential): Record<string, string> {
  const f = c.fields as Record<string, unknown>;
  const text = (k: string): string | undefined => (typeof f[k] === 'string' && f[k] !== '' ? (f[k] as string) : undefined);
  const out: Record<string, string> = {};
  if (text('access_key')) out.AWS_ACCESS_KEY_ID = text('access_key')!;
  if (text('secret_key')) out.AWS_SECRET_ACCESS_KEY = text('secret_key')!;
  if (text('token')) out.AWS_SESSION_TOKEN = text('token')!;
  if (text('profile')) out.AWS_PROFILE = text('profile')!;
  return out;
}

/** `vault`: one already unlocked (the app's, after its unlock dialog); by default the data folder's, opened without asking. */
export async function runCredentials(bindings: readonly CredentialBinding[], env: Record<string, string | undefined>, vault?: Vault): Promise<Result<RunCredentials, string>> {
  if (bindings.length === 0) return ok(NONE);
  const read = await readCredentials(
    bindings.map((b) => b.credential),
    env,
    vault,
  );
  if (!read.ok) return read;
  const byName = read.value;
  const variables = bindingsFor([], bindings.filter(isVariableBinding));
  if (!variables.ok) return variables;
  const vars = credentialVariables(Object.fromEntries(Object.entries(variables.value.variables).map(([v, c]) => [v, byName.get(c)!])));
  if (!vars.ok) return vars;
  const sourceBindings = bindings.filter((b) => !isVariableBinding(b) && !isDataTarget(b.target));
  const dataBindings = bindings.filter((b) => isDataTarget(b.target));
  // What a data source is given is masked like what a build is given.
  const dataSecrets = [...new Set(dataBindings.map((b) => b.credential))].flatMap((n) => secretValues(byName.get(n)!.kind, byName.get(n)!.fields));
  return ok({
    vars: Object.entries(vars.value),
    completeBuilder: (build, config) => injectIntoBuilder(build.type, config, credentialsBoundTo(build, sourceBindings).map((n) => byName.get(n)!), config.range),
    completeDataSource: (d, config) => injectIntoDataSource(d.type, config, credentialsBoundToData(d, dataBindings).map((n) => byName.get(n)!)),
    checkDataSources: (dataSources) => checkDataBindings(dataSources, dataBindings),
    inject: (builds) => {
      const bound = bindingsFor(builds, sourceBindings);
      if (!bound.ok) return bound;
      return injectCredentials(builds, Object.fromEntries(Object.entries(bound.value.sources).map(([build, names]) => [build, names.map((n) => byName.get(n)!)])));
    },
    bridgeEnv: (build) => Object.assign({}, ...credentialsBoundTo(build, sourceBindings).map((n) => byName.get(n)!).filter((c) => c.kind === 'amazon').map(amazonEnv)) as Record<string, string>,
    secrets: [...Object.values(vars.value), ...dataSecrets],
  });
}

function isVariableBinding(b: CredentialBinding): boolean {
  return b.target.startsWith('var.');
}

/** Each named credential, read once; a docker credential kept by a credential helper is asked for its login now. */
export async function readCredentials(names: readonly string[], env: Record<string, string | undefined>, vault = Vault.forEnv(env)): Promise<Result<Map<string, Credential>, string>> {
  const out = new Map<string, Credential>();
  if (names.length === 0) return ok(out);
  const fromEnv = credentialsFromEnvWanted(env) ? credentialsFromEnv(env) : undefined;
  for (const name of new Set(names)) {
    let found: Result<Credential, string>;
    if (fromEnv) {
      const c = fromEnv.find((x) => x.name === name);
      found = c ? ok(c) : err(`BAKEHOUSE_CREDENTIALS_FROM_ENV=1: the environment holds no complete "${name}" credential (names are kinds: amazon, azure, google)`);
    } else {
      found = await vault.get(name);
    }
    if (!found.ok) return found;
    const resolved = await withHelperLogin(found.value, env);
    if (!resolved.ok) return resolved;
    out.set(name, resolved.value);
  }
  return ok(out);
}
