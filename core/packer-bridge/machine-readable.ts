/**
 * Packer's `-machine-readable` output (https://developer.hashicorp.com/packer/docs/commands#machine-readable-output):
 * one line per message, `timestamp,target,type,data...`, with commas inside data written `%!(PACKER_COMMA)` and newlines
 * as `\n`. Parsed here into records; run.ts turns them into Bakehouse's events.
 */
export interface MachineLine {
  time: number;
  target: string;
  type: string;
  data: string[];
}

export function parseMachineLine(line: string): MachineLine | undefined {
  const parts = line.split(',');
  if (parts.length < 3 || !/^\d+$/.test(parts[0])) return undefined;
  const [time, target, type, ...data] = parts;
  return { time: Number(time) * 1000, target, type, data: data.map(unescapeField) };
}

function unescapeField(s: string): string {
  return s.replaceAll('%!(PACKER_COMMA)', ',').replaceAll('\\n', '\n').replaceAll('\\r', '\r');
}

/** Packer prefixes a build's UI lines with its name: `==> name: text` (say) and `    name: text` (message). */
export function splitUiText(text: string, build: string): { level: 'say' | 'message'; text: string } | undefined {
  for (const [prefix, level] of [
    [`==> ${build}: `, 'say'],
    [`    ${build}: `, 'message'],
    [`--> ${build}: `, 'say'],
  ] as const) {
    if (text.startsWith(prefix)) return { level, text: text.slice(prefix.length) };
  }
  return undefined;
}
