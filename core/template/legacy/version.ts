/** Version strings as Packer's go-version reads them: "1.5", "v1.6.0", "1.7.0-beta1". */
export interface Version {
  parts: number[];
  pre: string;
}

export function parseVersion(text: string): Version | undefined {
  const m = /^v?([0-9]+(\.[0-9]+)*)(-([0-9A-Za-z.-]+))?(\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m[1].split('.').map(Number);
  while (parts.length < 3) parts.push(0);
  return { parts, pre: m[4] ?? '' };
}

/** Negative if a < b, zero if equal, positive if a > b; a pre-release sorts before its release. */
export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.parts.length, b.parts.length); i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  return a.pre < b.pre ? -1 : 1;
}
