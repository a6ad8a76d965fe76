/**
 * Puts bound credentials into a run's builds, as if the template had set them: each kind's fields are named as the Packer
 * fields they fill (`core/common/credentials.ts`), so an amazon credential becomes the amazon builder's access_key and
 * secret_key, a docker one the docker builder's and docker-push's login_*, an ssh one the SSH communicator's
 * ssh_username and key. Every injected secret carries cty's sensitive mark, so the run masks it in every event, log line
 * and manifest (`core/engine/secrets.ts`), and the plain secrets are returned for the run's masker as well.
 *
 * A binding replaces what the template says for the same kind (a credential is one way of authenticating: a template's
 * access_key would otherwise mix with a bound profile). Without a binding nothing changes.
 */
import { CREDENTIAL_KIND_SPECS, type CredentialKind } from '../common/credentials';
import { err, ok, type Result } from '../common/result';
import type { ComponentConfig, PlannedBuild, PostProcessorModel } from '../template/model';
import type { Range } from '../template/source';
import { T_NUMBER, T_STRING } from '../template/values/type';
import { bool, list, map, markSensitive, num, str, type Value } from '../template/values/value';
import { secretValues, type CredentialValue } from './schema';
import type { Credential } from './vault';

/** Which components of a build a kind fills, and the settings that turn the fields on (docker's `login = true`). */
interface KindTarget {
  builder: (type: string, config: ComponentConfig) => boolean;
  postProcessors: readonly string[];
  also?: Record<string, Value>;
  /** Where the fields go in the user's words, for the error when a build has none. */
  describe: string;
}

const TARGETS: Record<Exclude<CredentialKind, 'secret'>, KindTarget> = {
  amazon: { builder: (t) => t.startsWith('amazon-'), postProcessors: ['amazon-import', 'upload'], describe: 'amazon-* builders, amazon-import and upload' },
  azure: { builder: (t) => t.startsWith('azure-'), postProcessors: ['upload'], describe: 'azure-* builders and upload' },
  google: { builder: (t) => t === 'googlecompute', postProcessors: ['googlecompute-import', 'googlecompute-export'], describe: 'googlecompute' },
  docker: { builder: (t) => t === 'docker', postProcessors: ['docker-push'], also: { login: bool(true) }, describe: 'the docker builder and docker-push' },
  ssh: { builder: (t, c) => usesSsh(t, c), postProcessors: [], describe: 'builders that connect over SSH' },
};

export interface InjectedBuilds {
  builds: PlannedBuild[];
  /** Every secret put in, for the run's masker. */
  secrets: string[];
}

/**
 * `bound`: build name → the credentials bound to it (read from the vault). A credential that fits nothing in its build,
 * or two of one kind on one build, is an error naming both.
 */
export function injectCredentials(builds: readonly PlannedBuild[], bound: Readonly<Record<string, readonly Credential[]>>): Result<InjectedBuilds, string> {
  const secrets = new Set<string>();
  const out: PlannedBuild[] = [];
  for (const build of builds) {
    let next = build;
    const seen = new Map<CredentialKind, string>();
    for (const credential of bound[build.name] ?? []) {
      if (credential.kind === 'secret') return err(`credential "${credential.name}" is a secret: bind it to a variable (-credential 'var.NAME=${credential.name}'), not to build ${build.name}`);
      // Packer's SSH communicator takes a key without a passphrase; an encrypted key would need one it has no field for.
      if (credential.kind === 'ssh' && credential.fields.ssh_private_key_passphrase !== undefined) {
        return err(`credential "${credential.name}" (ssh) has a passphrase, which builds cannot use yet: store the key without one for building`);
      }
      const earlier = seen.get(credential.kind);
      if (earlier !== undefined) return err(`build ${build.name} is bound to two ${credential.kind} credentials, "${earlier}" and "${credential.name}"`);
      seen.set(credential.kind, credential.name);
      const target = TARGETS[credential.kind];
      const intoBuilder = target.builder(next.type, next.builder);
      const intoPostProcessors = next.postProcessors.some((chain) => chain.some((pp) => target.postProcessors.includes(pp.type)));
      if (!intoBuilder && !intoPostProcessors) {
        return err(`credential "${credential.name}" (${credential.kind}) fits nothing in build ${build.name} (a ${next.type} builder): ${credential.kind} credentials go to ${target.describe}`);
      }
      const fill = (config: ComponentConfig): ComponentConfig => withCredential(config, credential, target, build.range);
      next = {
        ...next,
        builder: intoBuilder ? fill(next.builder) : next.builder,
        postProcessors: next.postProcessors.map((chain) => chain.map((pp): PostProcessorModel => (target.postProcessors.includes(pp.type) ? { ...pp, config: fill(pp.config) } : pp))),
      };
      for (const s of secretValues(credential.kind, credential.fields)) secrets.add(s);
    }
    out.push(next);
  }
  return ok({ builds: out, secrets: [...secrets] });
}

/**
 * The builder's part alone, for the template loader (`LoadOptions.completeBuilder`), so the builder's checks see the
 * credential's fields; credentials that do not fit the builder are left to `injectCredentials`, which says so.
 */
export function injectIntoBuilder(type: string, config: ComponentConfig, credentials: readonly Credential[], range?: Range): ComponentConfig {
  let out = config;
  for (const credential of credentials) {
    if (credential.kind === 'secret') continue;
    const target = TARGETS[credential.kind];
    if (target.builder(type, out)) out = withCredential(out, credential, target, range);
  }
  return out;
}

/**
 * A data source's part (`data.amazon-ami.x`, `data.amazon-parameterstore.y`…): an amazon credential fills the AccessConfig
 * fields the amazon-* data sources share with the builder. Other kinds fit no data source Bakehouse runs.
 */
export function injectIntoDataSource(type: string, config: ComponentConfig, credentials: readonly Credential[]): ComponentConfig {
  let out = config;
  for (const credential of credentials) {
    if (credential.kind === 'amazon' && type.startsWith('amazon-')) out = withCredential(out, credential, TARGETS.amazon, config.range);
  }
  return out;
}

/** Variable name → its `secret` credential: the values to give those variables, as -var would but never on a command line. */
export function credentialVariables(bound: Readonly<Record<string, Credential>>): Result<Record<string, string>, string> {
  const vars: Record<string, string> = {};
  for (const [name, credential] of Object.entries(bound)) {
    if (credential.kind !== 'secret') return err(`credential "${credential.name}" is ${credential.kind}, not a secret: only a secret credential gives a variable (var.${name}) its value`);
    vars[name] = String(credential.fields.value);
  }
  return ok(vars);
}

/** `range`: where problems with an injected field point (the source block); without one they point at the block itself. */
function withCredential(config: ComponentConfig, credential: Credential, target: KindTarget, range: Range | undefined): ComponentConfig {
  const spec = CREDENTIAL_KIND_SPECS[credential.kind];
  const values = { ...config.values };
  const ranges = { ...config.ranges };
  const blocks = { ...config.blocks };
  for (const field of spec.fields) {
    delete values[field.name];
    if (field.type === 'block') delete blocks[field.name];
  }
  for (const [name, value] of Object.entries({ ...target.also })) {
    values[name] = value;
    if (range && !ranges[name]) ranges[name] = range;
  }
  for (const [name, value] of Object.entries(credential.fields)) {
    const fieldSpec = spec.fields.find((f) => f.name === name);
    if (fieldSpec?.type === 'block' && isFieldMap(value)) {
      const inner: ComponentConfig = { values: {}, ranges: {}, blocks: {}, ...(range ? { range } : {}) };
      for (const [k, v] of Object.entries(value)) {
        inner.values[k] = toValue(v);
        if (range) inner.ranges[k] = range;
      }
      blocks[name] = [inner];
      continue;
    }
    if (credential.kind === 'ssh' && name === 'ssh_private_key_passphrase') continue;
    // Packer's ssh_private_key holds the key's bytes. Not marked: the mark would mask every number the bytes are; the
    // key's text is among the run's secrets instead.
    if (credential.kind === 'ssh' && name === 'ssh_private_key') values[name] = list(T_NUMBER, [...Buffer.from(String(value), 'utf8')].map(num));
    // Only secrets are marked: a user name such as "root" masked would blank every line that mentions root.
    else values[name] = markSensitive(toValue(value), fieldSpec?.secret ?? false);
    if (range) ranges[name] = range;
  }
  return { ...config, values, ranges, blocks };
}

function toValue(v: CredentialValue): Value {
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return num(v);
  if (typeof v === 'boolean') return bool(v);
  if (Array.isArray(v)) return list(T_STRING, v.map(str));
  return map(T_STRING, Object.fromEntries(Object.entries(v).map(([k, x]) => [k, str(String(x))])));
}

function isFieldMap(v: CredentialValue): v is { [field: string]: CredentialValue } {
  return typeof v === 'object' && !Array.isArray(v);
}

/** A builder connects over SSH when its communicator says so, or says nothing and SSH is its default (all but docker's). */
function usesSsh(type: string, config: ComponentConfig): boolean {
  const c = config.values.communicator;
  if (c?.kind === 'string') return c.value === 'ssh';
  return type !== 'docker';
}
