/** The INI files of ~/.aws, read as the AWS CLI and SDKs read them: `[section]`, `key = value`, `#`/`;` comments. */
export type IniSections = Map<string, Record<string, string>>;

export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Record<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s*[#;].*$/, '');
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(line);
    if (header) {
      current = sections.get(header[1]) ?? {};
      sections.set(header[1], current);
      lastKey = undefined;
      continue;
    }
    if (!current || line.trim() === '') continue;
    // An indented line continues the previous key's nested settings (s3 = …); only the top-level keys matter here.
    if (/^\s/.test(line) && lastKey !== undefined) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    lastKey = line.slice(0, eq).trim().toLowerCase();
    current[lastKey] = line.slice(eq + 1).trim();
  }
  return sections;
}
