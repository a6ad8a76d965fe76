/** Where a builder downloads its install ISO from and how the download is verified (qemu, virtualbox-iso, vmware-iso). */
import { checksumFromList } from '../../downloads/checksum';
import { problem, type Check, type CheckProblem, type ConfigView } from '../checks';
import { boolField, stringField, stringListField } from '../fields';
import type { ComponentSchema, FieldSpec } from '../schema';

export const ISO_FIELDS: FieldSpec[] = [
  stringField('iso_checksum', 'Checksum of the ISO as "type:value" (e.g. "sha256:…"), a checksum file URL, or "none".', { required: true }),
  stringField('iso_url', 'URL or local path of the ISO to boot from.'),
  stringListField('iso_urls', 'Several places to fetch the same ISO from, tried in order.'),
  stringField('iso_target_path', 'Where the downloaded ISO is stored; defaults to Packer\'s cache.'),
  stringField('iso_target_extension', 'File extension of the stored ISO.', { default: 'iso' }),
];

/** The ISO rules from Prepare, with Packer's messages, to merge into a builder's schema. */
export const ISO_RULES: Pick<ComponentSchema, 'exactlyOneOf' | 'messages'> = {
  exactlyOneOf: [['iso_url', 'iso_urls']],
  messages: {
    required: { iso_checksum: 'A checksum must be specified' },
    exactlyOneOf: [
      { none: 'One of iso_url or iso_urls must be specified', many: 'Only one of iso_url or iso_urls must be specified' },
    ],
  },
};

export const ISO_SKIP_CACHE = boolField('iso_skip_cache', 'Use the ISO in place instead of copying it into the cache (local files only).', {
  default: false,
});

const CHECKSUM_TYPES = ['md5', 'sha1', 'sha256', 'sha512'];
const TYPE_BY_BYTES: Record<number, string> = { 16: 'md5', 20: 'sha1', 32: 'sha256', 64: 'sha512' };

/**
 * Checks an inline iso_checksum ("sha256:…" or bare hex) the way Packer's download library parses it.
 * Checksum files ("file:…") are checked against the file when the caller fetches it (checksumFileProblem).
 */
export function checksumProblem(checksum: string): string | undefined {
  if (checksum === '' || checksum === 'none' || checksum.includes('://')) return undefined;
  const colon = checksum.indexOf(':');
  const type = colon >= 0 ? checksum.slice(0, colon).toLowerCase() : '';
  if (type === 'file') return undefined;
  const value = colon >= 0 ? checksum.slice(colon + 1) : checksum;
  const hexError = hexProblem(value);
  if (hexError) return `invalid checksum: ${hexError} in ${JSON.stringify(checksum)}`;
  if (colon < 0) {
    return TYPE_BY_BYTES[value.length / 2] ? undefined : `Unknown type for checksum ${value} in ${JSON.stringify(checksum)}`;
  }
  return CHECKSUM_TYPES.includes(type) ? undefined : `unsupported checksum type: ${type} in ${JSON.stringify(checksum)}`;
}

/** Go's hex.DecodeString errors: an invalid character wins over an odd length. */
function hexProblem(s: string): string | undefined {
  const bad = [...s].find((ch) => !/[0-9a-fA-F]/.test(ch));
  if (bad !== undefined) {
    const code = bad.codePointAt(0) ?? 0;
    return `encoding/hex: invalid byte: U+${code.toString(16).toUpperCase().padStart(4, '0')} '${bad}'`;
  }
  return s.length % 2 === 1 ? 'encoding/hex: odd length hex string' : undefined;
}

export const isoChecks: Check = (c) => {
  if (c.isUnknown('iso_checksum')) return [];
  const checksum = c.string('iso_checksum');
  if (checksum === 'none') {
    return [problem("A checksum of 'none' was specified. Since ISO files are so big,\na checksum is highly recommended.", 'iso_checksum', 'warning')];
  }
  const out = [];
  const bad = checksumProblem(checksum);
  if (bad) out.push(problem(bad, 'iso_checksum'));
  const fromFile = checksumFileProblem(c, checksum);
  if (fromFile !== 'found' && fromFile) out.push(fromFile);
  // A checksum read from its file replaces iso_checksum before Prepare looks at the ending.
  if (fromFile !== 'found' && checksum.toLowerCase().endsWith('.iso')) out.push(problem('Error parsing checksum: .iso is not a valid checksum ending', 'iso_checksum'));
  return out;
};

/**
 * Packer's ISOConfig Prepare downloads a `file:` checksum and looks up the first ISO's entry in it, so `validate` fails
 * when the file cannot be had or does not list the ISO, in go-getter's words followed by ` in "<iso_checksum>"`, at the
 * source block (Prepare's errors name no field). 'found' when the file gives the ISO a sum; undefined when there is
 * nothing to check here: no `file:` checksum, values known only at build time, or no caller fetching files (the editor).
 */
function checksumFileProblem(c: ConfigView, checksum: string): CheckProblem | 'found' | undefined {
  // go-getter takes the type before the first colon as written: only "file" reads a checksum file.
  if (!checksum.startsWith('file:') || !c.fetched || c.bool('iso_skip_cache')) return undefined;
  // Prepare stops before the download when the ISO's URLs are missing or given twice (reported by ISO_RULES).
  if (c.isUnknown('iso_url') || c.isUnknown('iso_urls') || (c.isSet('iso_url') && c.isSet('iso_urls'))) return undefined;
  const isoUrl = c.string('iso_url') || c.strings('iso_urls')[0];
  if (!isoUrl) return undefined;
  const listUrl = checksum.slice('file:'.length);
  const list = c.fetched.checksumFile(listUrl);
  if (!list) return undefined;
  const found = list.ok ? checksumFromList(list.value, isoUrl, listUrl, c.fetched.cwd) : list;
  return found.ok ? 'found' : problem(`${found.error} in ${JSON.stringify(checksum)}`);
}
