/** The app's colour theme; `system` follows the operating system. */
export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

export function isTheme(text: unknown): text is Theme {
  return (THEMES as readonly unknown[]).includes(text);
}
