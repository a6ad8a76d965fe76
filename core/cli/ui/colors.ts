/** Packer's terminal colours: one per build, in order, bold for `==>` lines and red for errors. */
export const BUILD_COLORS = [32, 36, 35, 33, 34];
export const RED = 31;

export function paint(text: string, color: number, bold: boolean, enabled: boolean): string {
  return enabled ? `\u001b[${bold ? 1 : 0};${color}m${text}\u001b[0m` : text;
}
