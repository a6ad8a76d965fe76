/** IP network functions: host and subnet addresses computed within CIDR prefixes (IPv4 and IPv6). */
import { listOf, T_NUMBER, T_STRING } from '../values/type';
import { list, str } from '../values/value';
import { asInteger, asString } from './access';
import { FunctionError, type FunctionDef } from './define';

interface Network {
  /** 32 or 128. */
  bits: number;
  /** The network's first address (host bits cleared). */
  base: bigint;
  prefix: number;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    n = (n << 8n) | BigInt(part);
  }
  return n;
}

function parseIPv6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseIPv4(v4[1]);
    if (n === undefined) return undefined;
    tail = [n >> 16n, n & 0xffffn];
    text = text.slice(0, -v4[1].length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const want = 8 - tail.length;
  if (halves.length === 1 && head.length !== want) return undefined;
  if (halves.length === 2 && head.length + rest.length >= want) return undefined;
  const all = [...head, ...Array(want - head.length - rest.length).fill('0'), ...rest];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  for (const t of tail) n = (n << 16n) | t;
  return n;
}

function parseCidr(s: string): Network {
  const fail = (): never => {
    throw new FunctionError(`invalid CIDR expression: invalid CIDR address: ${s}`);
  };
  const slash = s.indexOf('/');
  if (slash < 0) fail();
  const addr = s.slice(0, slash);
  const lenText = s.slice(slash + 1);
  const v4 = parseIPv4(addr);
  const bits = v4 !== undefined ? 32 : 128;
  const ip = v4 ?? parseIPv6(addr);
  if (ip === undefined || !/^\d+$/.test(lenText) || Number(lenText) > bits) fail();
  const prefix = Number(lenText);
  const hostBits = BigInt(bits - prefix);
  const base = ((ip as bigint) >> hostBits) << hostBits;
  return { bits, base, prefix };
}

export function formatIp(n: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  // The longest run of two or more zero groups becomes "::" (the first such run on a tie).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hexes.join(':');
  return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLen).join(':')}`;
}

function subnet(net: Network, newbits: number, netnum: bigint): Network {
  const prefix = net.prefix + newbits;
  if (prefix > net.bits) throw new FunctionError(`insufficient address space to extend prefix of ${net.prefix} by ${newbits}`);
  if (netnum < 0n || netnum >= 1n << BigInt(newbits)) {
    throw new FunctionError(`prefix extension of ${newbits} does not accommodate a subnet numbered ${netnum}`);
  }
  return { bits: net.bits, prefix, base: net.base | (netnum << BigInt(net.bits - prefix)) };
}

const cidrText = (n: Network) => `${formatIp(n.base, n.bits)}/${n.prefix}`;

export const ipnetFunctions: FunctionDef[] = [
  {
    name: 'cidrhost',
    signature: 'cidrhost(prefix, hostnum)',
    description: 'Calculates a full host IP address for a given host number within a given IP network address prefix.',
    params: [
      { name: 'prefix', type: T_STRING },
      { name: 'hostnum', type: T_NUMBER },
    ],
    returns: T_STRING,
    call: ([p, h]) => {
      const net = parseCidr(asString(p));
      const hostnum = BigInt(asInteger(h, 1));
      const size = 1n << BigInt(net.bits - net.prefix);
      const host = hostnum < 0n ? size + hostnum : hostnum;
      if (host < 0n || host >= size) {
        // Like Packer, a negative number is reported after counting it back from the end.
        throw new FunctionError(`prefix of ${net.prefix} does not accommodate a host numbered ${hostnum < 0n ? host : hostnum}`);
      }
      return str(formatIp(net.base + host, net.bits));
    },
  },
  {
    name: 'cidrnetmask',
    signature: 'cidrnetmask(prefix)',
    description: 'Converts an IPv4 address prefix given in CIDR notation into a subnet mask address.',
    params: [{ name: 'prefix', type: T_STRING }],
    returns: T_STRING,
    call: ([p]) => {
      const net = parseCidr(asString(p));
      const all = (1n << BigInt(net.bits)) - 1n;
      const mask = all ^ ((1n << BigInt(net.bits - net.prefix)) - 1n);
      return str(formatIp(mask, net.bits));
    },
  },
  {
    name: 'cidrsubnet',
    signature: 'cidrsubnet(prefix, newbits, netnum)',
    description: 'Calculates a subnet address within a given IP network address prefix.',
    params: [
      { name: 'prefix', type: T_STRING },
      { name: 'newbits', type: T_NUMBER },
      { name: 'netnum', type: T_NUMBER },
    ],
    returns: T_STRING,
    call: ([p, b, n]) => str(cidrText(subnet(parseCidr(asString(p)), asInteger(b, 1), BigInt(asInteger(n, 2))))),
  },
  {
    name: 'cidrsubnets',
    signature: 'cidrsubnets(prefix, newbits...)',
    description: 'Calculates a sequence of consecutive IP address ranges within a particular CIDR prefix.',
    params: [{ name: 'prefix', type: T_STRING }],
    variadic: { name: 'newbits', type: T_NUMBER },
    returns: listOf(T_STRING),
    call: ([p, ...newbits]) => {
      const net = parseCidr(asString(p));
      const end = net.base + (1n << BigInt(net.bits - net.prefix));
      let next = net.base;
      let prev: Network | undefined;
      const out: string[] = [];
      newbits.forEach((nb, i) => {
        const length = net.prefix + asInteger(nb, i + 1);
        if (length > net.bits) {
          throw new FunctionError(
            `would extend prefix to ${length} bits, which is too long for an ${net.bits === 32 ? 'IPv4' : 'IPv6'} address`,
            i + 1,
          );
        }
        if (asInteger(nb, i + 1) < 1) throw new FunctionError('must extend prefix by at least one bit', i + 1);
        const size = 1n << BigInt(net.bits - length);
        const start = ((next + size - 1n) / size) * size;
        if (start + size > end) {
          const after = prev ? cidrText(prev) : cidrText(net);
          throw new FunctionError(`not enough remaining address space for a subnet with a prefix of ${length} bits after ${after}`, i + 1);
        }
        prev = { bits: net.bits, base: start, prefix: length };
        out.push(cidrText(prev));
        next = start + size;
      });
      return list(T_STRING, out.map(str));
    },
  },
];
