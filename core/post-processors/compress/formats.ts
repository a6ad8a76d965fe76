/** Which archive and compression an output name or `format` asks for, read from its dotted extensions as Packer does. */
import { err, ok, type Result } from '../../common/result';

export type ArchiveKind = 'tar' | 'zip';
export type CompressionKind = 'gzip' | 'lz4';

export interface CompressFormat {
  archive?: ArchiveKind;
  compression?: CompressionKind;
}

const ARCHIVES: Record<string, ArchiveKind> = { tar: 'tar', zip: 'zip' };
const COMPRESSIONS: Record<string, CompressionKind> = { gz: 'gzip', tgz: 'gzip', lz4: 'lz4' };
/** Formats Packer knows that Bakehouse cannot write yet (no maintained pure-JS codec is installed). */
const NOT_YET = ['xz', 'bgzf'];

export interface DetectedFormat {
  format: CompressFormat;
  /** Neither the format nor the output's extension said: tar.gz, as Packer does. */
  defaulted: boolean;
}

/** `x.tar.gz` → tar + gzip; `x.zip` → zip; `x.gz` / `x.lz4` → one compressed file; nothing recognised → tar.gz. */
export function detectFormat(formatOrName: string): Result<DetectedFormat> {
  const parts = formatOrName.toLowerCase().split('.');
  const last = parts[parts.length - 1];
  const before = parts.length > 1 ? parts[parts.length - 2] : '';
  if (NOT_YET.includes(last)) return err(`${last} compression is not supported by Bakehouse yet; use tar.gz, tar.lz4, tar, zip, gz or lz4`);
  if (last === 'tgz') return ok({ format: { archive: 'tar', compression: 'gzip' }, defaulted: false });
  if (COMPRESSIONS[last]) return ok({ format: { archive: ARCHIVES[before], compression: COMPRESSIONS[last] }, defaulted: false });
  if (ARCHIVES[last]) return ok({ format: { archive: ARCHIVES[last] }, defaulted: false });
  return ok({ format: { archive: 'tar', compression: 'gzip' }, defaulted: true });
}
