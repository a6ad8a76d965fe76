/** Packer's -machine-readable lines: `timestamp,target,type,data…` with commas and newlines escaped. */
export function machineLine(target: string, type: string, data: readonly string[], time = Date.now()): string {
  return `${Math.floor(time / 1000)},${target},${type},${data.map(escapeField).join(',')}\n`;
}

function escapeField(s: string): string {
  return s.replace(/,/g, '%!(PACKER_COMMA)').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}
