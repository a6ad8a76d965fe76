/** How the History page writes times and names (durations: `shortDuration` in core/common/history.ts). */

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function localTime(ms: number): string {
  return TIME.format(ms);
}

/** The file or folder name of a template path, which is what tells templates apart in a narrow list. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
