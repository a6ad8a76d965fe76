/**
 * The functions a legacy template may call inside `{{ … }}`, as Packer 1.6.6 defines them.
 * Which ones work depends on where the string is: `env` only in `variables`, `build_name` only in a build.
 */
import { randomBytes } from 'node:crypto';
import { FunctionError, KEEP_AS_WRITTEN, type FunctionTable, type TemplateValue } from './gotemplate';
import { formatGoTime, formatStrftime } from './timefmt';
import { PACKER_COMPAT_VERSION } from '../../version';
import { didYouMean } from '../suggest';

export interface FunctionContext {
  /** A user variable's value, or undefined if there is no such variable. */
  user(name: string): string | undefined;
  /** Every user variable's name, for "did you mean". */
  userNames(): string[];
  /** True only while evaluating the `variables` section. */
  inVariables: boolean;
  env: Record<string, string | undefined>;
  /** One instant per load, so every `{{timestamp}}` agrees. */
  now: Date;
  templateDir: string;
  cwd: string;
  buildName?: string;
  buildType?: string;
  /** Set when evaluating a builder's own configuration, where builder plugins add `clean_resource_name`. */
  builderType?: string;
}

/** Raised by `user` for a variable that does not exist; the loader reports it with a suggestion. */
export class UnknownVariableError extends FunctionError {}

export function legacyFunctions(ctx: FunctionContext): FunctionTable {
  const s = (v: TemplateValue): string => String(v);
  const table: FunctionTable = {
    user: {
      params: ['s'],
      call: ([k]) => {
        const name = s(k);
        const value = ctx.user(name);
        if (value !== undefined) return value;
        throw new UnknownVariableError(`variable not set: ${name}.${didYouMean(name, ctx.userNames())}`);
      },
    },
    env: {
      params: ['s'],
      call: ([k]) => {
        if (!ctx.inVariables) throw new FunctionError('env vars are not allowed here; read the environment in a "variables" default and use {{user `name`}}');
        return ctx.env[s(k)] ?? '';
      },
    },
    timestamp: { params: [], call: () => String(Math.floor(ctx.now.getTime() / 1000)) },
    isotime: {
      params: ['s...'],
      call: (args) => {
        if (args.length > 1) throw new FunctionError(`too many values, 1 needed: [${args.join(' ')}]`);
        return args.length === 0 ? formatGoTime(ctx.now, '2006-01-02T15:04:05Z07:00') : formatGoTime(ctx.now, s(args[0]));
      },
    },
    strftime: { params: ['s'], call: ([f]) => formatStrftime(ctx.now, s(f)) },
    uuid: { params: [], call: () => timeOrderedUuid(ctx.now) },
    pwd: { params: [], call: () => ctx.cwd },
    template_dir: { params: [], call: () => ctx.templateDir },
    packer_version: {
      params: [],
      call: () => {
        // Packer gives components its version, but not the variables section.
        if (ctx.inVariables) throw new FunctionError('packer_version not available');
        return PACKER_COMPAT_VERSION;
      },
    },
    build_name: {
      params: [],
      call: () => {
        if (!ctx.buildName) throw new FunctionError('build_name not available');
        return ctx.buildName;
      },
    },
    build_type: {
      params: [],
      call: () => {
        if (!ctx.buildType) throw new FunctionError('build_type not available');
        return ctx.buildType;
      },
    },
    // The artifact's values (`ID`, `SSHPublicKey`, …) exist only while the build runs; the component fills them in then.
    build: {
      params: ['s'],
      call: () => {
        if (ctx.inVariables) throw new FunctionError('build variables are not available in the "variables" section');
        return KEEP_AS_WRITTEN;
      },
    },
    split: {
      params: ['s', 's', 'i'],
      call: ([str, sep, i]) => {
        const parts = s(str).split(s(sep));
        const n = Number(i);
        if (n < 0 || parts.length <= n) {
          throw new FunctionError(`the substring ${n} was unavailable using the separator value, ${s(sep)}, only ${parts.length} values were found`);
        }
        return parts[n];
      },
    },
    replace: {
      params: ['s', 's', 'i', 's'],
      call: ([from, to, n, src]) => goReplace(s(src), s(from), s(to), Number(n)),
    },
    replace_all: { params: ['s', 's', 's'], call: ([from, to, src]) => goReplace(s(src), s(from), s(to), -1) },
    lower: { params: ['s'], call: ([v]) => s(v).toLowerCase() },
    upper: { params: ['s'], call: ([v]) => s(v).toUpperCase() },
    sed: {
      params: ['s', 's'],
      call: () => {
        throw new FunctionError('template function `sed` is deprecated use `replace` or `replace_all` instead.');
      },
    },
    consul_key: { params: ['s'], call: () => remoteSecret(ctx, 'consul_key') },
    vault: { params: ['s', 's'], call: () => remoteSecret(ctx, 'vault') },
    aws_secretsmanager: { params: ['s...'], call: () => remoteSecret(ctx, 'aws_secretsmanager') },
  };
  if (ctx.builderType && cleanResourceName(ctx.builderType, '') !== undefined) {
    const type = ctx.builderType;
    table.clean_resource_name = { params: ['s'], call: ([v]) => cleanResourceName(type, s(v)) ?? s(v) };
  }
  return table;
}

function remoteSecret(ctx: FunctionContext, name: string): never {
  if (!ctx.inVariables) throw new FunctionError(`${name} is only allowed in the variables section`);
  throw new FunctionError(`${name} reads a remote secret store, which Bakehouse does not contact while loading; pass the value with -var or -var-file instead`);
}

/** Go's strings.Replace: an empty `from` inserts `to` around every character. */
function goReplace(src: string, from: string, to: string, n: number): string {
  if (n === 0 || from === to) return src;
  if (from === '') {
    const chars = [...src];
    let out = '';
    let count = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || count < n) {
        out += to;
        count++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  let out = '';
  let rest = src;
  let count = 0;
  for (;;) {
    const i = rest.indexOf(from);
    if (i < 0 || (n >= 0 && count >= n)) break;
    out += rest.slice(0, i) + to;
    rest = rest.slice(i + from.length);
    count++;
  }
  return out + rest;
}

/**
 * `clean_resource_name` as each builder family that defines it does (byte by byte, as Go does): other builders
 * have no such function.
 */
function cleanResourceName(builderType: string, name: string): string | undefined {
  const bytes = [...Buffer.from(name, 'utf8')];
  const clean = (keep: (c: string) => boolean, input: number[] = bytes): string =>
    input.map((b) => (b < 128 && keep(String.fromCharCode(b)) ? String.fromCharCode(b) : '-')).join('');
  if (builderType.startsWith('amazon-') || builderType.startsWith('osc-')) return clean((c) => /[a-zA-Z0-9()[\] ./\-'@_]/.test(c));
  if (builderType.startsWith('azure-')) return clean((c) => /[a-zA-Z0-9._-]/.test(c)).replace(/[-_.]+$/, '');
  if (builderType === 'googlecompute') {
    if (/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) return name;
    return clean((c) => /[a-z0-9]/.test(c), [...Buffer.from(name.toLowerCase(), 'utf8')]);
  }
  return undefined;
}

/** Packer's time-ordered UUID: the time in the first groups, randomness in the rest. */
function timeOrderedUuid(now: Date): string {
  const ns = BigInt(now.getTime()) * 1000000n + BigInt(process.hrtime()[1] % 1000000);
  const hex = ns.toString(16).padStart(16, '0').slice(-16);
  const rand = randomBytes(8).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${rand.slice(0, 4)}-${rand.slice(4, 16)}`;
}
