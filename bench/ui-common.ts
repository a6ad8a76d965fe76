/** Shared by the UI benchmarks: the real `bakehouse serve` and Debian's Chromium (from the e2e fixture), and small stats. */
export { startServe, newPage, closeBrowser } from '../test/e2e/fixture';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
